// sched-edf: the same scenarios as sched-rr, on the EDF policy selected in package.json.
export { default } from '../../sched-rr/src/main';
