#include <cstdio>
#include <cstdlib>

#include "common/status/status_macros.h"

namespace unggul::internal {

void CheckFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "UNGGUL_CHECK failed at %s:%d: %s\n", file, line, condition);
  std::abort();
}

}  // namespace unggul::internal
