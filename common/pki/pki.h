#pragma once

// The Kanwil's certificate authority for mutual TLS between UPT nodes, the Kanwil aggregator and
// people (node operators, Kanwil staff), kept in one local folder per Kanwil (`ca_dir`, mode 0700):
//
//   ca.key       EC P-256 private key, PEM (PKCS#8), mode 0600. Written last by CreateCa, so its
//                presence means the CA is complete.
//   ca.crt       the self-signed CA certificate, PEM.
//   kanwil       the Kanwil code, one line.
//   serial       signing counter, decimal: certificates and CRLs signed with ca.key after its own
//                certificate. Each CRL carries the counter's new value as its cRLNumber.
//   issued.txt   index of issued certificates, one per line, tab-separated:
//                serial, uri, not_before, not_after (Unix seconds), DNS names and IP addresses
//                (comma-separated, "-" for none), certificate path (absolute).
//   revoked.txt  the deny-list: serial, revoked at (Unix seconds), reason; one per line.
//   crl.pem      CRL v2 of every serial in revoked.txt, re-signed by each Revoke.
//
// Identities are SPIFFE IDs, carried as the single URI SAN of a certificate:
//   spiffe://unggul/kanwil/<KANWIL>/upt/<UPT>       a UPT node (client and server)
//   spiffe://unggul/kanwil/<KANWIL>/aggregator      the Kanwil aggregator (client and server)
//   spiffe://unggul/kanwil/<KANWIL>/user/<user>     a person (client only)
//
// Serial numbers have one canonical text form everywhere (files, CertInfo, Issued): lowercase hex
// without leading zeros ("0" for zero), as CanonicalSerialHex returns; a negative serial (never
// issued here) reads as "-" followed by that form.
//
// Times are always passed in: nothing here reads the clock. Every file is replaced atomically
// (temporary file, fsync, rename), and CreateCa, Issue and Revoke hold an exclusive flock on
// ca_dir, so concurrent callers (threads or processes) never lose an index line. Readers need no
// lock. Thread-safe.
//
// Errors: InvalidArgument for malformed input ("field: rule, got ..."); NotFound "cannot read
// <path>: ..." for a missing file; DataLoss naming the file when a CA file is corrupt; Internal for
// OpenSSL or disk failures.

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace unggul::pki {

// File names inside ca_dir.
inline constexpr char kCaKeyFile[] = "ca.key";
inline constexpr char kCaCertFile[] = "ca.crt";
inline constexpr char kKanwilFile[] = "kanwil";
inline constexpr char kSerialFile[] = "serial";
inline constexpr char kIssuedFile[] = "issued.txt";
inline constexpr char kRevokedFile[] = "revoked.txt";
inline constexpr char kCrlFile[] = "crl.pem";

// Validity bounds: of the CA certificate, and of a leaf certificate.
inline constexpr absl::Duration kMinCaValidity = absl::Hours(24);
inline constexpr absl::Duration kMaxCaValidity = absl::Hours(24 * 10950);  // 30 years
inline constexpr absl::Duration kMinLeafValidity = absl::Hours(1);
inline constexpr absl::Duration kMaxLeafValidity = absl::Hours(24 * 825);
// Certificates start this long before `now` (clock skew between the CA's host and the peers).
inline constexpr absl::Duration kNotBeforeBackdate = absl::Minutes(5);
// A CRL's nextUpdate is its lastUpdate plus this.
inline constexpr absl::Duration kCrlValidity = absl::Hours(24 * 30);

struct PeerId {
  enum class Kind { kUpt, kAggregator, kUser };
  Kind kind = Kind::kUpt;
  std::string kanwil;  // [A-Z0-9-]{2,32}, e.g. "SUMSEL"
  std::string name;    // UPT code [A-Z0-9-]{3,64} or user [a-z0-9._-]{1,64}; empty for aggregator

  bool operator==(const PeerId&) const = default;
};

// OK if every field follows its rule above (a user may not be "." or ".."); InvalidArgument
// naming the field otherwise.
absl::Status ValidatePeerId(const PeerId& id);

// The SPIFFE ID of `id`; meaningful only for an id ValidatePeerId accepts.
std::string SpiffeUri(const PeerId& id);

// Strict inverse of SpiffeUri: InvalidArgument naming the problem (prefix, path shape, kanwil, upt
// or user) for anything else, including empty segments, a trailing '/', a query or a fragment.
absl::StatusOr<PeerId> ParseSpiffeUri(absl::string_view uri);

// The canonical form of a serial written by a person or a tool: hex digits, either case,
// optionally "0x"-prefixed or colon-separated ("0A:1B", as `openssl x509 -text` prints), at most
// 20 bytes. InvalidArgument otherwise.
absl::StatusOr<std::string> CanonicalSerialHex(absl::string_view serial);

// The Kanwil code in ca_dir/kanwil. NotFound if there is no such file (no CA there); DataLoss if
// it is not a Kanwil code.
absl::StatusOr<std::string> ReadCaKanwil(const std::string& ca_dir);

// Creates ca_dir (and its parents) and a new CA in it: ca.key, ca.crt (CN "Unggul Kanwil <KANWIL>
// CA", basicConstraints critical CA:TRUE pathlen:0, keyUsage critical keyCertSign+cRLSign,
// subjectKeyIdentifier, random 128-bit serial, valid from now - kNotBeforeBackdate to now +
// validity), kanwil, serial "0", and empty issued.txt and revoked.txt.
// InvalidArgument: bad kanwil code, validity outside [kMinCaValidity, kMaxCaValidity] or empty
// ca_dir. AlreadyExists: ca_dir/ca.key exists (a CA is never overwritten).
absl::Status CreateCa(const std::string& ca_dir, absl::string_view kanwil_code, absl::Time now,
                      absl::Duration validity);

struct IssueRequest {
  PeerId id;
  std::vector<std::string> dns_names;     // e.g. "localhost", "upt-lahat.sumsel.example"
  std::vector<std::string> ip_addresses;  // IPv4 or IPv6 text, e.g. "127.0.0.1", "::1"
  absl::Duration validity;                // [kMinLeafValidity, kMaxLeafValidity]
};

struct Issued {
  std::string serial_hex;  // canonical
  absl::Time not_after;    // whole seconds
  std::string uri;         // SpiffeUri(request.id)
};

// Writes <out_prefix>.key (EC P-256, PEM, mode 0600) and <out_prefix>.crt, a leaf signed by the
// CA in ca_dir: random 128-bit serial (top bit set, so always 32 hex digits); CN = UPT code,
// "aggregator" or user; SANs = SpiffeUri(id), then the DNS names, then the IP addresses;
// basicConstraints critical CA:FALSE; keyUsage critical digitalSignature; extendedKeyUsage
// serverAuth+clientAuth (UPT node, aggregator) or clientAuth (user); subject and authority key
// identifiers; valid from now - kNotBeforeBackdate to now + validity (whole seconds). Both files
// are renamed into place one right after the other; their folder must exist. Appends the
// certificate to issued.txt and advances the signing counter.
// InvalidArgument: bad id, DNS name (RFC 1123 labels, no wildcard) or IP address, a duplicate SAN,
// validity out of range, or an empty out_prefix (or one with a tab or newline).
// FailedPrecondition: id.kanwil differs from the CA's kanwil, or the CA certificate is not valid
// for the whole [now, now + validity]. NotFound/DataLoss: the CA's files (see above).
absl::StatusOr<Issued> Issue(const std::string& ca_dir, const IssueRequest& request, absl::Time now,
                             const std::string& out_prefix);

// Revokes one certificate of this CA. `serial_hex_or_cert_path` names a certificate file when it
// contains '/' or '.' (the caller writes "./node" for a file without either), and a serial
// otherwise (any form CanonicalSerialHex accepts). Adds "serial<TAB>now<TAB>reason" to
// revoked.txt unless the serial is already there (then revoked.txt is left as it was), and writes
// crl.pem anew, signed by the CA: CRL v2, every serial of revoked.txt with its revocation time,
// lastUpdate now, nextUpdate now + kCrlValidity, authorityKeyIdentifier and cRLNumber (so
// revoking again also refreshes the CRL). An empty reason is recorded as "unspecified".
// InvalidArgument: malformed serial, a certificate file that is not PEM, or a reason that is
// longer than 200 characters or holds a tab or line break. NotFound: a serial missing from
// issued.txt, or an unreadable certificate file. FailedPrecondition: the certificate file was not
// signed by this CA.
absl::Status Revoke(const std::string& ca_dir, absl::string_view serial_hex_or_cert_path,
                    absl::Time now, absl::string_view reason);

// The canonical serials of a revoked.txt (the deny-list the aggregator checks peers against). A
// missing file is an empty set. DataLoss "<path>:<line>: ..." on a malformed line.
absl::StatusOr<std::set<std::string>> ReadRevokedSerials(const std::string& revoked_txt_path);

struct CertInfo {
  std::string serial_hex;  // canonical
  std::vector<std::string> uris;
  std::vector<std::string> dns;
  std::vector<std::string> ips;  // as inet_ntop writes them
  absl::Time not_before;
  absl::Time not_after;
  std::string subject_cn;  // empty if none
};

// What a PEM certificate says (the first one if `pem` holds a chain), e.g. the peer's
// "x509_pem_cert" from a gRPC auth context. Does not verify anything. InvalidArgument if there is
// no parsable certificate.
absl::StatusOr<CertInfo> InspectCertificatePem(absl::string_view pem);

// InspectCertificatePem of the file at `path`; NotFound if unreadable, InvalidArgument naming the
// file if it holds no certificate.
absl::StatusOr<CertInfo> InspectCertificateFile(const std::string& path);

// Every certificate of issued.txt, in the order issued (subject_cn as Issue set it). NotFound if
// ca_dir holds no CA (no kanwil file); DataLoss "<path>:<line>: ..." on a malformed line.
absl::StatusOr<std::vector<CertInfo>> ListIssued(const std::string& ca_dir);

}  // namespace unggul::pki
