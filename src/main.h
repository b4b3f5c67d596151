#pragma once

namespace wisp {

// Runs the bootstrap; the result is the process exit status.
int main(char** envp);

} // namespace wisp
