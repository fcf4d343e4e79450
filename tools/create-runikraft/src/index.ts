// create-runikraft as a library: the command line, the scaffolder and the template tables.
export { type CreateIo, createMain } from './cli';
export { CreateError, type Scaffolded, scaffold } from './scaffold';
export {
  APP_TEMPLATES,
  type AppTemplate,
  appTemplate,
  COMPONENT_TEMPLATES,
  type ComponentTemplate,
  componentTemplate,
} from './templates';
export { ownVersion, versionRanges } from './versions';
