// x86_64 entry: the kernel leaves argc at (%rsp), then argv, NULL, envp, NULL.
// The psABI has %rsp 16-aligned here and Linux starts with every other
// register zero (%rbp too: the outermost frame): once argc is popped the stack
// is as a call leaves it, so wisp_start is jumped to with envp.
#pragma once

asm(".section .text.start,\"ax\",@progbits\n"
    ".global _start\n"
    "_start:\n"
    "  pop %rax\n"
    "  lea 8(%rsp,%rax,8), %rdi\n"
    "  jmp wisp_start\n"
    ".previous\n");
