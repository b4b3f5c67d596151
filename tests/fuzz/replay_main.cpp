// The main of a fuzz target's replay program, built without libFuzzer:
//   fuzz-NAME PATH...
// runs every file under each PATH (directories recursively, in name order;
// a PATH that does not exist is skipped, as tests/fuzz/crashes/NAME is until
// a crasher is committed) and, when WISP_EVENTS_DIR is set, every *.json
// sample under it, through LLVMFuzzerTestOneInput. Each input sits in a heap
// block of its exact size, so the sanitizers see a read past its end. On a
// crash the input's path is printed; the exit status is then non-zero.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Sanitizer reports end in abort(), which on_signal below turns into the
// name of the input (the environment's options come on top of these).
extern "C" const char* __asan_default_options() { return "abort_on_error=1"; }
extern "C" const char* __ubsan_default_options() { return "abort_on_error=1:print_stacktrace=1"; }

namespace {

const char* g_current = nullptr; // the input being run, for the crash report

void say_current()
{
    if (!g_current)
        return;
    const char* lines[] = {"replay: crashed on ", g_current, "\n"};
    for (const char* line : lines) {
        ssize_t ignored = write(2, line, strlen(line));
        (void)ignored;
    }
    g_current = nullptr; // said once, though abort() follows a sanitizer's report
}

// __builtin_trap (SIGILL) and abort: name the input, then die of the signal.
void on_signal(int number)
{
    say_current();
    signal(number, SIG_DFL);
    raise(number);
}

bool ends_with(const char* s, const char* suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

struct Count {
    size_t inputs = 0;
    size_t bytes = 0;
    bool failed = false;
};

void run_file(const char* path, Count* count)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat info;
    if (fd < 0 || fstat(fd, &info) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        count->failed = true;
        if (fd >= 0)
            close(fd);
        return;
    }
    size_t size = static_cast<size_t>(info.st_size);
    uint8_t* data = static_cast<uint8_t*>(malloc(size ? size : 1));
    size_t done = 0;
    while (done < size) {
        ssize_t n = read(fd, data + done, size - done);
        if (n <= 0)
            break;
        done += static_cast<size_t>(n);
    }
    close(fd);
    if (done != size) {
        fprintf(stderr, "replay: short read of %s\n", path);
        count->failed = true;
    } else {
        g_current = path;
        LLVMFuzzerTestOneInput(data, size);
        g_current = nullptr;
        ++count->inputs;
        count->bytes += size;
    }
    free(data);
}

int by_name(const void* a, const void* b)
{
    return strcmp(*static_cast<char* const*>(a), *static_cast<char* const*>(b));
}

// Every file under path, or only *.json ones.
void run_path(const char* path, bool json_only, Count* count)
{
    struct stat info;
    if (stat(path, &info) != 0)
        return;
    if (!S_ISDIR(info.st_mode)) {
        if (!json_only || ends_with(path, ".json"))
            run_file(path, count);
        return;
    }
    DIR* dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "replay: cannot list %s\n", path);
        count->failed = true;
        return;
    }
    char** names = nullptr;
    size_t n = 0;
    while (dirent* entry = readdir(dir)) {
        if (entry->d_name[0] == '.')
            continue;
        names = static_cast<char**>(realloc(names, (n + 1) * sizeof *names));
        size_t len = strlen(path) + strlen(entry->d_name) + 2;
        names[n] = static_cast<char*>(malloc(len));
        snprintf(names[n++], len, "%s/%s", path, entry->d_name);
    }
    closedir(dir);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; ++i) {
        run_path(names[i], json_only, count);
        free(names[i]);
    }
    free(names);
}

} // namespace

int main(int argc, char** argv)
{
    __sanitizer_set_death_callback(say_current);
    signal(SIGILL, on_signal);
    signal(SIGABRT, on_signal);
    signal(SIGTRAP, on_signal);

    Count corpus;
    for (int i = 1; i < argc; ++i)
        run_path(argv[i], false, &corpus);
    Count samples;
    if (const char* events = getenv("WISP_EVENTS_DIR"))
        run_path(events, true, &samples);
    printf("replay: %zu inputs (%zu bytes) from the corpus, %zu samples (%zu bytes): no crash\n", corpus.inputs,
        corpus.bytes, samples.inputs, samples.bytes);
    if (corpus.inputs == 0) {
        fprintf(stderr, "replay: no input found under the paths given\n");
        return 1;
    }
    return corpus.failed || samples.failed ? 1 : 0;
}
