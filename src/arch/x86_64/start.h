// x86_64 entry: the kernel leaves argc at (%rsp), then argv, NULL, envp, NULL.
// Clear the frame pointer, pass the stack pointer, keep the call 16-aligned.
#pragma once

asm(".section .text.start,\"ax\",@progbits\n"
    ".global _start\n"
    "_start:\n"
    "  xor %ebp, %ebp\n"
    "  mov %rsp, %rdi\n"
    "  and $-16, %rsp\n"
    "  call wisp_start\n"
    "  hlt\n"
    ".previous\n");
