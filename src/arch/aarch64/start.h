// aarch64 entry: the kernel leaves argc at [sp], then argv, NULL, envp, NULL,
// with sp 16-aligned and every other register zero (x29 and x30 too: the
// outermost frame). wisp_start is branched to with envp = sp + 16 + 8 * argc.
#pragma once

asm(".section .text.start,\"ax\",%progbits\n"
    ".global _start\n"
    "_start:\n"
    "  ldr x0, [sp]\n"
    "  add x0, sp, x0, lsl #3\n"
    "  add x0, x0, #16\n"
    "  b wisp_start\n"
    ".previous\n");
