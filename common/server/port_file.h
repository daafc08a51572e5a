#pragma once

// --port_file for servers started on port 0: the bound port is written once the server accepts
// calls. A FIFO (or character device) gets it written directly, so a supervisor can block on
// reading it; a regular file is replaced atomically (write to .tmp, rename).

#include <string>

#include "absl/status/status.h"

namespace unggul {

// Internal naming the path when it cannot be written.
absl::Status WritePortFile(const std::string& path, int port);

}  // namespace unggul
