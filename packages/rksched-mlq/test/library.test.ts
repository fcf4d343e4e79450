import { describeRkSchedLibrary } from '@runikraft/rksched/conformance';
import { library } from '../src/index';

describeRkSchedLibrary(library, 'mlq');
