#pragma once

namespace wisp {

// The process environment wisp::env() reads; set once by main.
void set_environment(char** envp);

} // namespace wisp
