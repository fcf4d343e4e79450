// sched-mlq: the same scenarios as sched-rr, on the MLQ policy selected in package.json.
export { default } from '../../sched-rr/src/main';
