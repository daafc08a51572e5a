#pragma once

// What a fuzz target asserts: a broken invariant aborts with a message, so libFuzzer saves the
// input as a crash artifact.

#include <cstdio>
#include <cstdlib>

#define UNGGUL_FUZZ_CHECK(cond)                                                                \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)
