// Guest realms and images: the run-time half of the hardware boundary (DESIGN.md §2).
export { ABSENT_GLOBALS } from './absent';
export { type FacadeKind, HART_FACADE_MEMBERS } from './facade';
export {
  GuestImage,
  IMAGE_GLOBAL,
  type LoadImageOptions,
  loadImage,
  loadImageSource,
} from './image';
export { REALM_KEY } from './prelude';
export { GuestRealm } from './realm';
