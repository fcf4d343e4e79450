// `--help` texts for rk and each verb.
import { SUPPORTED } from './run-args';

export const HELP: Record<string, string> = {
  rk: `rk — compose, build, run and inspect Runikraft unikernels

usage: rk <verb> [args]

verbs:
  build [app-dir]            resolve the composition, bundle build/image.mjs + manifest, print sizes
  run [image|app-dir] [...]  boot an image on the QEMU RISC-V virt machine (QEMU's option syntax)
  ls [app-dir]               show which package provides each API and why (alias: config)
  help [verb]                show help for a verb

options:
  --version                  print rk's version
  --help, -h                 this text (also: rk <verb> --help)`,
  build: `usage: rk build [app-dir]

Resolves the app's composition from its package.json (default app-dir: the current directory),
generates build/entry.generated.ts and build/rk-env.d.ts (the composed APIs' types, for
registry.get), type-checks the app's sources (incrementally, with build/typecheck.tsbuildinfo),
checks runikraft.params and runikraft.machine against what the composed libraries declare, bundles
build/image.mjs with esbuild and writes build/image.manifest.json (libraries, versions, bytes per
package, resolution), then prints a size report. Every problem is reported in one run. The image
must not import Node builtins. A C/C++/Rust program as runikraft.entry, or several in
runikraft.programs, are compiled to wasm32-wasi and run by libc-shim (README: Programs); with
several, libc.start says which start (-append 'libc.start="httpd & fetch http://localhost/"').

options:
  --out-dir DIR   write the image there instead of <app-dir>/build
  --no-typecheck  skip the type check of the app's sources against the composed packages
  --no-asyncify   embed a C/C++/Rust program's build without binaryen's asyncify pass only (by
                  default the image has both and runs that one through JSPI): a smaller image that
                  can block only through JSPI (libc.suspend=auto|jspi, which rk run enables)
  --quiet, -q     no size report

example:
  rk build apps/helloworld`,
  run: `usage: rk run [image|app-dir] [options]

Boots an image (build/image.mjs) on the emulated QEMU RISC-V virt machine. Given an app directory
(default: the current directory), builds it first when the image is missing or stale. Machine
defaults come from the app's package.json "runikraft.machine"; the command line overrides them.
The exit status is the guest's exit status.

options (QEMU syntax; --opt and -opt are the same):
  -machine virt[,aclint=on|off][,dumpdtb=FILE]   (-M) dumpdtb writes the device tree and exits
  -m SIZE            guest RAM: 128M (default), 512 (MiB), 1G (to 4G; dumpdtb takes any size)
  -smp N[,maxcpus=M][,sockets=S][,cores=C][,threads=T]   harts, topology checked as QEMU does
  -append STR        kernel command line: lib.param=value ... -- app args
  -bios none|default none: kernel in M-mode; default: built-in SBI firmware, kernel in S-mode
  -kernel IMAGE      the image (same as the positional argument)
  -initrd FILE       load FILE as the initrd (/chosen/linux,initrd-*)
  -nographic         accepted (the console is the UART on stdio)
  -display none      accepted
  -serial stdio|mon:stdio|null|none|file:PATH|pipe:PATH|chardev:ID   UART0's backend (default:
                     mon:stdio, as -nographic: the console with the monitor on Ctrl-A c); pipe: output to
                     PATH.out, input from PATH.in (FIFOs from mkfifo), or both through PATH
  -chardev null|stdio|file|pipe,id=ID[,path=PATH][,append=on]   a backend for -serial chardev:ID
  -nodefaults        no default serial port or monitor: UART0 output goes nowhere unless -serial names one
  -no-reboot         a guest reset (SBI SRST reboot, finisher RESET) exits with status 0 instead of restarting
  -no-shutdown       a guest reset under -no-reboot stops the guest but not rk run: the monitor stays
                     (info status: paused (shutdown)) until quit; a power-off still exits, as in QEMU
  -cpu rv64          the one CPU model (QEMU's generic rv64); other models and CPU properties are errors
  -name NAME         the guest's name (accepted for QEMU command lines; ,process= and ,debug-threads= too)
  -monitor none|stdio  the HMP monitor alone on stdio (the serial port then elsewhere), or none;
                     commands: info qtree|mtree|status|name, stop, cont, system_reset, quit, help
                     (on the default console: Ctrl-A c switches to it and back, Ctrl-A x quits)
  -d guest_errors[,unimp]|help   log what the device models reject (bad MMIO accesses, PLIC and RTC
                     registers, finisher values, virtio driver errors) in QEMU's words, to stderr
  -D FILE            the -d log goes to FILE
  -rtc [base=utc|localtime|DATE][,clock=host|rt|vm]   the goldfish RTC's start and clock
  -accel qtest|tcg[,thread=single|multi][,tb-size=N][,split-wx=on|off], -machine accel=A[:B...]
                     accepted, checked as QEMU 7.2 does (the model is its own accelerator)
  -qtest-log none    accepted (libqtest passes it)
  -object rng-random,id=ID[,filename=F]|rng-builtin,id=ID   entropy for virtio-rng-device,rng=ID
  -nic none|TYPE[,model=virtio-net-device|virtio-net-pci][,mac=M][,id=ID][,netdev options]
                     none: no NIC (virt has none by default); TYPE: a -netdev TYPE plus a virtio-net-device
  -global virtio-mmio.force-legacy=on|off   virtio-mmio version 1 (QEMU default) or 2
  -device virtio-net-device[,netdev=ID][,mac=..]|virtio-blk-device,drive=ID|virtio-rng-device[,rng=ID]
          |virtio-9p-device,fsdev=ID,mount_tag=TAG
                     a virtio device (the first takes virtio-mmio slot 7, as on QEMU)
  -device virtio-net-pci|virtio-blk-pci|virtio-rng-pci|virtio-9p-pci,...[,addr=SLOT[.FN]]
          [,disable-legacy=on|off][,disable-modern=on|off][,multifunction=on]
                     the same devices on the PCIe bus (transitional by default; first free slot from 1)
  -netdev user|socket|stream|dgram|tap|hubport,id=ID,...   a network backend; user is QEMU's
                     user-mode network: [net=10.0.2.0/24][,host=][,dns=][,dhcpstart=][,restrict=on|off]
                     [,hostfwd=tcp|udp:[hostaddr]:hostport-[guestaddr]:guestport]...
  -p [hostip:]hostport:guestport[/tcp|/udp]   (--port) publish a guest port through -netdev user
                     (added to the first one, or a new one with a virtio-net-device)
  -drive file=F,if=none,format=raw,id=ID[,readonly=on]  a disk backend
  -drive if=pflash[,unit=0|1],file=F[,readonly=on]  a 32 MiB CFI flash bank image
  -fsdev local,id=ID,path=DIR,security_model=none|passthrough|mapped-file[,readonly=on]
                     a host directory for virtio-9p-device,fsdev=ID (a 9P2000.L server confined to DIR)
  -virtfs local,path=DIR,mount_tag=TAG,security_model=...[,id=ID][,readonly=on]
                     shorthand: the -fsdev and its virtio-9p-device
  -fw_cfg [name=]opt/NAME,file=F|string=TEXT  a fw_cfg user item
  --clock host|virtual   host monotonic time (default) or deterministic virtual time
  --qtest stdio|unix:PATH[,server=on]   speak QEMU's qtest protocol on that channel
  -S                 hold the hart (with --qtest: no guest code runs)
  --inspect[=[HOST:]PORT]   open Node's V8 inspector (default 127.0.0.1:9229) for Chrome DevTools
                     (chrome://inspect) or VS Code: breakpoints in the image's TypeScript sources
  --inspect-brk[=[HOST:]PORT]   the same, waiting for a debugger and stopping before the image's entry
  (-s and -gdb have no meaning here: the guest is JavaScript; they point to --inspect)

supported: ${SUPPORTED.join(', ')}

examples:
  rk run apps/helloworld
  rk run apps/helloworld/build/image.mjs -m 64M -bios none --clock virtual
  rk run apps/httpreply -p 127.0.0.1:8080:80
  rk run apps/httpreply -netdev user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80 -device virtio-net-device,netdev=n0
  rk run -machine virt,dumpdtb=virt.dtb -m 512M -smp 4
  echo 'readl 0x10001000' | rk run --qtest stdio -S
  rk run apps/httpreply -serial file:uart.log -monitor stdio
  rk run apps/helloworld -d guest_errors -D guest.log`,
  ls: `usage: rk ls [app-dir]    (alias: rk config)

Shows, for the app in app-dir (default: the current directory), which package provides each API and
why (only provider, selected in package.json, the app's direct dependency), the order the libraries
initialise in, and installed candidates that were not chosen.

example:
  rk ls apps/helloworld`,
};
HELP.config = HELP.ls;
