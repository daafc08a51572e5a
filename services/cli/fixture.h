#pragma once

// The "Sumsel fixture set": a deterministic generator of demo data for the UPT registry of
// Kanwil Ditjenpas Sumatera Selatan and for the producing UPTs' products, production batches,
// sales, certifications and trainings. Real product names, synthetic
// quantities; no person is named anywhere (inmates appear only as counts).
//
// The files follow services/cli/CSV.md, so `unggulctl import` can load them into a node. The
// output depends only on FixtureOptions: the same options give byte-identical files on every
// run and platform (own SplitMix64 PRNG, integer arithmetic, no clock reads).
//
// Thread-safety: all functions are safe to call concurrently (writing to distinct out_dirs).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace unggul::cli {

// One row of the Kanwil Sumsel UPT registry: the province's known Lapas, Rutan, LPKA and Bapas
// (rows 1–21; Rupbasan, now under the Kejaksaan, is not in the active registry).
struct RegistryUpt {
  std::string upt_code;       // stable code, e.g. "SMS-LP-LAHAT"
  std::string official_name;  // "Lapas Kelas IIA Lahat"
  std::string type;           // LAPAS | RUTAN | LPKA | BAPAS
  std::string subtype;        // "", "narkotika", "perempuan"
  std::string upt_class;      // I, IIA, IIB, III
  std::string regency_code;   // "16.04"
  bool needs_verification;    // true for rows 2, 20, 13, 17 (identity or class unconfirmed)
};

// The 21 registry rows in their fixed order (row 1 Lapas Kelas I Palembang first, row 21 Bapas
// Kelas I Palembang last). The reference stays valid for the life of the program.
const std::vector<RegistryUpt>& SumselRegistry();

struct FixtureOptions {
  // Last month generated (YYYY-MM); data covers `months` months ending there. Every date that
  // must not lie in the future (batch start/end, sale, training, certificate issue, launch) is
  // on or before the last day of this month, so pick a month that has ended. The default here is
  // a fixed reference month, so library callers and tests are deterministic; `unggulctl fixture`
  // defaults to the last complete month in Jakarta (LastCompleteJakartaMonth), so the demo's
  // data always covers the ranking's default period, the last 12 complete months.
  std::string end_month = "2026-10";
  int months = 12;  // 1..36
  uint64_t seed = 2026;
};

// Writes <out_dir>/registry.csv (columns: upt_code,official_name,type,subtype,class,
// regency_code,kanwil_code,needs_verification) and, for each producing UPT of the fixture,
// <out_dir>/<upt_code>/{products,batches,sales,certifications,trainings}.csv in the formats of
// services/cli/CSV.md. Creates the directories; overwrites existing files of the same names.
//
// Batch and sale dates lie within the window (first day of the first month .. last day of
// end_month); expiry dates and certificate valid_until may lie after it. Sales of a product
// never exceed what its batches produced (net of rejects) before the sale day.
//
// Returns the UPT codes that got data, in a fixed order (SMS-LP-LAHAT first).
// InvalidArgument for a bad end_month (not "YYYY-MM" with month 01..12 and year 2000..2099) or
// months outside 1..36; Internal on I/O errors (the message names the path) or if the compiled-in
// spec (services/cli/fixture/sumsel.json, see fixture_spec.h) does not parse.
absl::StatusOr<std::vector<std::string>> WriteSumselFixture(const std::string& out_dir,
                                                            const FixtureOptions& options);

}  // namespace unggul::cli
