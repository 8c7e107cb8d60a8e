// libFuzzer's entry for programs with their own main (libclang_rt.fuzzer_no_main, linked by
// scripts/fuzz): runs the fuzzing loop over the callback with libFuzzer's command line.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
