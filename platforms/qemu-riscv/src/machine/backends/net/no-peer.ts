// A NIC without a -netdev (QEMU `-device virtio-net-device` alone): no peer, so transmitted frames are
// completed and dropped (net/net.c qemu_sendv_packet_async returns the size when there is no peer)
// and nothing is ever received. The link reads up, as QEMU's does.
import { NetBackend } from './backend';

export class NoPeerBackend extends NetBackend {
  /** Frames the guest sent into the void. */
  sentToNowhere = 0;

  constructor() {
    super('');
  }

  send(_frame: Uint8Array): void {
    this.sentToNowhere++;
  }

  close(): void {}
}
