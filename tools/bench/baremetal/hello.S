# Bare-metal M-mode hello for QEMU's RISC-V virt (-bios none): print on the ns16550a UART, then
# power off through the sifive_test finisher. The real-QEMU baseline of tools/bench (issue 2 §6).
    .equ UART0, 0x10000000      # ns16550a THR (virt memory map)
    .equ FINISHER, 0x100000     # sifive_test: 0x5555 = pass (exit 0)

    .section .text.start
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, park               # only hart 0 runs
    li t1, UART0
    la t2, message
1:  lbu t3, 0(t2)
    beqz t3, 2f
    sb t3, 0(t1)                # QEMU's UART transmits instantly: no LSR polling needed
    addi t2, t2, 1
    j 1b
2:  li t1, FINISHER
    li t3, 0x5555
    sw t3, 0(t1)
park:
    wfi
    j park

    .section .rodata
message:
    .asciz "Hello, world!\n"
