#include "kit.h"

int main() { return kit::run_all(); }
