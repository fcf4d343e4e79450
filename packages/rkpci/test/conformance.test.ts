import { describeRkPciHostBridge } from '../src/conformance';
import { FakeConfigSpace, fakeHostBridge, HOST_BRIDGE, VIRTIO_NET_MODERN } from './fake-config';

describeRkPciHostBridge(
  'fake config space',
  () => ({
    hb: fakeHostBridge(
      new FakeConfigSpace({
        0: { 0: HOST_BRIDGE },
        1: { 0: VIRTIO_NET_MODERN },
        2: { 0: { ...VIRTIO_NET_MODERN, multi: true }, 3: VIRTIO_NET_MODERN },
      }),
    ),
  }),
  { minFunctions: 4 },
);
