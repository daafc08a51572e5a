// unggulctl pki init/issue/revoke/list: the Kanwil's certificate authority for mutual TLS between
// UPT nodes, the aggregator and people (common/pki/pki.h), kept in a local folder on the machine
// that holds the CA key. Offline: no server is called. Certificate and CRL times come from the
// real clock (RealClock), not the UNGGUL_NOW-shifted one: TLS peers check them against real time.

#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/pki/pki.h"
#include "common/status/status_macros.h"
#include "common/time/clock.h"
#include "services/cli/commands.h"
#include "services/cli/output.h"

namespace unggul::cli {
namespace {

struct PkiInitFlags {
  std::string ca_dir;
  std::string kanwil;
  int days = 3650;
};

struct PkiIssueFlags {
  std::string ca_dir;
  std::string upt;
  bool aggregator = false;
  std::string user;
  std::vector<std::string> dns;
  std::vector<std::string> ip;
  int days = 397;
  std::string out;
};

struct PkiRevokeFlags {
  std::string ca_dir;
  std::string serial;
  std::string cert;
  std::string reason;
};

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

void AddCaDir(CLI::App* cmd, std::string& ca_dir) {
  cmd->add_option("--ca_dir,--ca-dir", ca_dir, "CA folder (ca.key, ca.crt, revoked.txt, ...)")
      ->required();
}

void AddInit(CLI::App* pki, CliContext& ctx) {
  auto f = std::make_shared<PkiInitFlags>();
  CLI::App* cmd =
      pki->add_subcommand("init", "Create the Kanwil's CA in a folder (never overwrites one)");
  AddCaDir(cmd, f->ca_dir);
  cmd->add_option("--kanwil", f->kanwil, "Kanwil code, e.g. SUMSEL")->required();
  cmd->add_option("--days", f->days, "Validity of the CA certificate in days")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  ctx.OnRunLocal(cmd, [&ctx, f]() -> absl::Status {
    UNGGUL_RETURN_IF_ERROR(
        pki::CreateCa(f->ca_dir, f->kanwil, RealClock().Now(), absl::Hours(24) * f->days));
    if (ctx.json()) {
      std::cout << "{\"ca_dir\": " << JsonQuote(f->ca_dir)
                << ", \"kanwil\": " << JsonQuote(f->kanwil) << "}\n";
    } else {
      std::cout << "CA of Kanwil " << f->kanwil << " written to " << f->ca_dir
                << " (ca.crt, ca.key)\n";
    }
    return absl::OkStatus();
  });
}

void AddIssue(CLI::App* pki, CliContext& ctx) {
  auto f = std::make_shared<PkiIssueFlags>();
  CLI::App* cmd = pki->add_subcommand(
      "issue", "Issue a key and certificate to a UPT node, the aggregator or a person");
  AddCaDir(cmd, f->ca_dir);
  CLI::Option_group* who = cmd->add_option_group("identity", "Whose certificate (exactly one)");
  CLI::Option* upt = who->add_option("--upt", f->upt, "UPT code of a node, e.g. SMS-LP-LAHAT");
  who->add_flag("--aggregator", f->aggregator, "The Kanwil aggregator");
  CLI::Option* user = who->add_option("--user", f->user,
                                      "A node operator or Kanwil staff member, e.g. kabid.yanbin");
  who->require_option(1);
  cmd->add_option("--dns", f->dns, "DNS names to add, comma-separated (e.g. localhost)")
      ->delimiter(',');
  cmd->add_option("--ip", f->ip, "IP addresses to add, comma-separated (e.g. 127.0.0.1)")
      ->delimiter(',');
  cmd->add_option("--days", f->days, "Validity in days (at most 825)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--out", f->out, "Output prefix: writes PREFIX.key and PREFIX.crt")->required();
  ctx.OnRunLocal(cmd, [&ctx, f, upt, user]() -> absl::Status {
    pki::IssueRequest request;
    UNGGUL_ASSIGN_OR_RETURN(request.id.kanwil, pki::ReadCaKanwil(f->ca_dir));
    if (upt->count() > 0) {
      request.id.kind = pki::PeerId::Kind::kUpt;
      request.id.name = f->upt;
    } else if (user->count() > 0) {
      request.id.kind = pki::PeerId::Kind::kUser;
      request.id.name = f->user;
    } else {
      request.id.kind = pki::PeerId::Kind::kAggregator;
    }
    request.dns_names = f->dns;
    request.ip_addresses = f->ip;
    request.validity = absl::Hours(24) * f->days;
    UNGGUL_ASSIGN_OR_RETURN(pki::Issued issued,
                            pki::Issue(f->ca_dir, request, RealClock().Now(), f->out));
    if (ctx.json()) {
      std::cout << "{\"serial\": " << JsonQuote(issued.serial_hex)
                << ", \"uri\": " << JsonQuote(issued.uri)
                << ", \"not_after\": " << JsonQuote(Rfc3339(issued.not_after))
                << ", \"cert\": " << JsonQuote(f->out + ".crt")
                << ", \"key\": " << JsonQuote(f->out + ".key") << "}\n";
    } else {
      std::cout << "issued " << issued.uri << " (serial " << issued.serial_hex << ", until "
                << Rfc3339(issued.not_after) << ") to " << f->out << ".crt and " << f->out
                << ".key\n";
    }
    return absl::OkStatus();
  });
}

void AddRevoke(CLI::App* pki, CliContext& ctx) {
  auto f = std::make_shared<PkiRevokeFlags>();
  CLI::App* cmd = pki->add_subcommand(
      "revoke", "Revoke a certificate: add it to revoked.txt and re-sign crl.pem");
  AddCaDir(cmd, f->ca_dir);
  CLI::Option_group* which = cmd->add_option_group("certificate", "Which one (exactly one)");
  CLI::Option* serial =
      which->add_option("--serial", f->serial, "Serial number in hex (as `pki list` shows it)");
  which->add_option("--cert", f->cert, "The certificate file (PEM)");
  which->require_option(1);
  cmd->add_option("--reason", f->reason, "Why, one line (recorded in revoked.txt)");
  ctx.OnRunLocal(cmd, [&ctx, f, serial]() -> absl::Status {
    std::string target;
    std::string canonical;
    if (serial->count() > 0) {
      UNGGUL_ASSIGN_OR_RETURN(canonical, pki::CanonicalSerialHex(f->serial));
      target = canonical;
    } else {
      UNGGUL_ASSIGN_OR_RETURN(pki::CertInfo info, pki::InspectCertificateFile(f->cert));
      canonical = info.serial_hex;
      // pki::Revoke reads its argument as a file name only if it holds '/' or '.'.
      target = f->cert.find_first_of("/.") == std::string::npos ? "./" + f->cert : f->cert;
    }
    UNGGUL_RETURN_IF_ERROR(pki::Revoke(f->ca_dir, target, RealClock().Now(), f->reason));
    const std::string crl = absl::StrCat(f->ca_dir, "/", pki::kCrlFile);
    if (ctx.json()) {
      std::cout << "{\"serial\": " << JsonQuote(canonical) << ", \"crl\": " << JsonQuote(crl)
                << "}\n";
    } else {
      std::cout << "revoked serial " << canonical << "; wrote " << f->ca_dir << "/"
                << pki::kRevokedFile << " and " << crl << "\n";
    }
    return absl::OkStatus();
  });
}

void AddList(CLI::App* pki, CliContext& ctx) {
  auto ca_dir = std::make_shared<std::string>();
  CLI::App* cmd = pki->add_subcommand("list", "Certificates issued by the CA, oldest first");
  AddCaDir(cmd, *ca_dir);
  ctx.OnRunLocal(cmd, [&ctx, ca_dir]() -> absl::Status {
    UNGGUL_ASSIGN_OR_RETURN(std::vector<pki::CertInfo> issued, pki::ListIssued(*ca_dir));
    UNGGUL_ASSIGN_OR_RETURN(std::set<std::string> revoked,
                            pki::ReadRevokedSerials(absl::StrCat(*ca_dir, "/", pki::kRevokedFile)));
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> json;
    for (const pki::CertInfo& c : issued) {
      const std::string uri = c.uris.empty() ? "-" : c.uris.front();
      const bool is_revoked = revoked.count(c.serial_hex) > 0;
      rows.push_back({c.serial_hex, uri, Rfc3339(c.not_after), is_revoked ? "yes" : "no"});
      json.push_back(absl::StrCat("{\"serial\": ", JsonQuote(c.serial_hex),
                                  ", \"uri\": ", JsonQuote(uri),
                                  ", \"not_after\": ", JsonQuote(Rfc3339(c.not_after)),
                                  ", \"revoked\": ", is_revoked ? "true" : "false", "}"));
    }
    if (ctx.json()) {
      std::cout << "[" << absl::StrJoin(json, ", ") << "]\n";
    } else {
      std::cout << RenderTable({"SERIAL", "IDENTITY", "NOT_AFTER", "REVOKED"}, rows);
    }
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterPkiCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* pki = app.add_subcommand(
      "pki",
      "The Kanwil's certificate authority for mutual TLS (local folder): init, issue, "
      "revoke, list");
  pki->require_subcommand(1);
  AddInit(pki, ctx);
  AddIssue(pki, ctx);
  AddRevoke(pki, ctx);
  AddList(pki, ctx);
}

}  // namespace unggul::cli
