#pragma once

// The project's version and the git commit it was built from, for --version of every binary
// ("0.11.0 (git 8249af6)"). The commit is read when CMake configures the build; a tree with
// uncommitted changes says "-dirty".

#include <string>

namespace unggul {

// "0.11.0 (git 8249af6)", or "(git unknown)" outside a git checkout.
std::string VersionString();

}  // namespace unggul
