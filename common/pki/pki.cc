#include "common/pki/pki.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files/files.h"
#include "common/status/status_macros.h"

namespace unggul::pki {
namespace {

using files::ErrnoStatus;
using files::FileContent;
using files::LastErrnoStatus;
using files::ParentDir;
using files::PathExists;
using files::ReadFile;
using files::ReadFileOrEmpty;
using files::ScopedFd;
using files::SyncDir;
using files::WriteFileAtomic;
using files::WriteFilesAtomic;

// Holds an exclusive flock on ca_dir until destroyed.
absl::StatusOr<ScopedFd> LockDir(const std::string& dir) {
  return files::LockPath(dir, "CA folder");
}

constexpr absl::string_view kSpiffePrefix = "spiffe://unggul/";
constexpr size_t kMaxReason = 200;

// ---- RAII for OpenSSL objects ----

template <auto kFree>
struct Free {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Free<ASN1_TIME_free>>;
using Ia5StringPtr = std::unique_ptr<ASN1_IA5STRING, Free<ASN1_IA5STRING_free>>;
using OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, Free<ASN1_OCTET_STRING_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Free<X509_CRL_free>>;
using RevokedPtr = std::unique_ptr<X509_REVOKED, Free<X509_REVOKED_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Free<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
void FreeOpensslString(char* p) { OPENSSL_free(p); }
using OpensslStringPtr = std::unique_ptr<char, Free<FreeOpensslString>>;

// Internal naming `what` and the last OpenSSL error; clears OpenSSL's error queue.
absl::Status OpensslError(absl::string_view what) {
  const unsigned long code = ERR_peek_last_error();
  std::string reason = "no OpenSSL error detail";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    reason = buf;
  }
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(what, ": ", reason));
}

// A value for an error message: quoted, escaped and cut at 80 characters.
std::string Quote(absl::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = absl::StrCat("\"", absl::CHexEscape(s.substr(0, kMax)), "\"");
  if (s.size() > kMax) out += "...";
  return out;
}

std::string DescribeDuration(absl::Duration d) {
  if (d > absl::ZeroDuration() && d % absl::Hours(24) == absl::ZeroDuration()) {
    return absl::StrCat(d / absl::Hours(24), " days");
  }
  return absl::FormatDuration(d);
}

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::Time WholeSeconds(absl::Time t) { return absl::FromUnixSeconds(absl::ToUnixSeconds(t)); }

// ---- Identities ----

bool IsCodeChar(char c) { return absl::ascii_isupper(c) || absl::ascii_isdigit(c) || c == '-'; }
bool IsUserChar(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' || c == '_' || c == '-';
}
template <typename Pred>
bool Matches(absl::string_view s, size_t min, size_t max, Pred ok) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}

absl::Status CheckKanwil(absl::string_view kanwil) {
  if (Matches(kanwil, 2, 32, IsCodeChar)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("kanwil: must be 2-32 characters of A-Z, 0-9 and '-', got ", Quote(kanwil)));
}

absl::Status CheckUptCode(absl::string_view upt) {
  if (Matches(upt, 3, 64, IsCodeChar)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("upt: must be 3-64 characters of A-Z, 0-9 and '-', got ", Quote(upt)));
}

absl::Status CheckUser(absl::string_view user) {
  if (Matches(user, 1, 64, IsUserChar) && user != "." && user != "..") return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "user: must be 1-64 characters of a-z, 0-9, '.', '_' and '-' (not \".\" or \"..\"), got ",
      Quote(user)));
}

std::string CommonName(const PeerId& id) {
  return id.kind == PeerId::Kind::kAggregator ? "aggregator" : id.name;
}

// ---- Serials and times ----

// The canonical text of an ASN.1 INTEGER serial.
absl::StatusOr<std::string> SerialHex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (bn == nullptr) return OpensslError("serial: cannot decode");
  OpensslStringPtr hex(BN_bn2hex(bn.get()));
  if (hex == nullptr) return OpensslError("serial: cannot encode");
  absl::string_view digits = hex.get();
  const bool negative = absl::ConsumePrefix(&digits, "-");
  UNGGUL_ASSIGN_OR_RETURN(std::string canonical, CanonicalSerialHex(digits));
  return negative ? absl::StrCat("-", canonical) : canonical;
}

// The ASN.1 INTEGER of a canonical serial.
absl::StatusOr<Asn1IntegerPtr> SerialToAsn1(const std::string& canonical) {
  BIGNUM* raw = nullptr;
  const int parsed = BN_hex2bn(&raw, canonical.c_str());
  BignumPtr bn(raw);
  if (bn == nullptr || parsed != static_cast<int>(canonical.size())) {
    return OpensslError(absl::StrCat("serial ", canonical, ": cannot encode"));
  }
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (serial == nullptr) return OpensslError(absl::StrCat("serial ", canonical, ": cannot encode"));
  return serial;
}

// 16 random bytes with the top bit set: a positive 128-bit serial, always 32 hex digits.
absl::StatusOr<Asn1IntegerPtr> RandomSerial() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return OpensslError("random serial");
  bytes[0] |= 0x80;
  BignumPtr bn(BN_bin2bn(bytes, sizeof(bytes), nullptr));
  if (bn == nullptr) return OpensslError("random serial");
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (serial == nullptr) return OpensslError("random serial");
  return serial;
}

absl::StatusOr<Asn1TimePtr> ToAsn1Time(absl::Time t) {
  Asn1TimePtr out(ASN1_TIME_set(nullptr, absl::ToTimeT(t)));
  if (out == nullptr) return OpensslError(absl::StrCat("time ", FormatUtc(t)));
  return out;
}

std::optional<absl::Time> FromAsn1Time(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return absl::FromCivil(absl::CivilSecond(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                           tm.tm_min, tm.tm_sec),
                         absl::UTCTimeZone());
}

absl::Status CheckValidity(absl::Duration validity, absl::Duration min, absl::Duration max) {
  if (validity >= min && validity <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("validity: must be from ", DescribeDuration(min),
                                                 " to ", DescribeDuration(max), ", got ",
                                                 DescribeDuration(validity)));
}

std::string PathIn(const std::string& dir, absl::string_view name) {
  return absl::StrCat(dir, "/", name);
}

// Adds `line` to the file at `path` (created if missing), rewriting it atomically.
absl::Status AppendLine(const std::string& path, absl::string_view line) {
  UNGGUL_ASSIGN_OR_RETURN(std::string content, ReadFileOrEmpty(path));
  if (!content.empty() && content.back() != '\n') content.push_back('\n');
  absl::StrAppend(&content, line, "\n");
  return WriteFileAtomic(path, content, 0644);
}

// Advances ca_dir/serial and returns its new value.
absl::StatusOr<uint64_t> NextCounter(const std::string& ca_dir) {
  const std::string path = PathIn(ca_dir, kSerialFile);
  UNGGUL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  uint64_t value = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &value) || value == UINT64_MAX) {
    return absl::DataLossError(
        absl::StrCat(path, ": must hold a decimal counter, got ", Quote(text)));
  }
  ++value;
  UNGGUL_RETURN_IF_ERROR(WriteFileAtomic(path, absl::StrCat(value, "\n"), 0644));
  return value;
}

// ---- PEM ----

int NoPassword(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return 0; }

absl::StatusOr<BioPtr> MemoryBio(absl::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("pem: too large");
  }
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (bio == nullptr) return OpensslError("cannot read PEM");
  return bio;
}

// InvalidArgument if `pem` holds no certificate.
absl::StatusOr<X509Ptr> ParseCertificatePem(absl::string_view pem) {
  UNGGUL_ASSIGN_OR_RETURN(BioPtr bio, MemoryBio(pem));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr));
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "certificate: must be PEM (-----BEGIN CERTIFICATE-----), got none that parses");
  }
  return cert;
}

template <typename Write>
absl::StatusOr<std::string> ToPem(absl::string_view what, Write write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || write(bio.get()) != 1) return OpensslError(absl::StrCat("encode ", what));
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) return OpensslError(absl::StrCat("encode ", what));
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> CertificatePem(X509* cert) {
  return ToPem("certificate", [cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
}

absl::StatusOr<std::string> PrivateKeyPem(EVP_PKEY* key) {
  return ToPem("private key", [key](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

absl::StatusOr<std::string> CrlPem(X509_CRL* crl) {
  return ToPem("CRL", [crl](BIO* bio) { return PEM_write_bio_X509_CRL(bio, crl); });
}

// ---- Certificates ----

absl::StatusOr<PkeyPtr> NewP256Key() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (key == nullptr) return OpensslError("generate EC P-256 key");
  return key;
}

struct CertSpec {
  std::string common_name;
  absl::Time not_before;
  absl::Time not_after;
  // Extensions in OpenSSL's configuration syntax, added in this order.
  std::vector<std::pair<int, std::string>> extensions;
  const GENERAL_NAMES* sans = nullptr;  // subjectAltName when set
};

// A certificate for `key`, signed by `issuer`/`issuer_key` (self-signed when `issuer` is null).
absl::StatusOr<X509Ptr> SignCertificate(const CertSpec& spec, EVP_PKEY* key, X509* issuer,
                                        EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return OpensslError("new certificate");
  }
  UNGGUL_ASSIGN_OR_RETURN(Asn1IntegerPtr serial, RandomSerial());
  UNGGUL_ASSIGN_OR_RETURN(Asn1TimePtr not_before, ToAsn1Time(spec.not_before));
  UNGGUL_ASSIGN_OR_RETURN(Asn1TimePtr not_after, ToAsn1Time(spec.not_after));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set1_notBefore(cert.get(), not_before.get()) != 1 ||
      X509_set1_notAfter(cert.get(), not_after.get()) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(spec.common_name.c_str()),
                                 -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(),
                           issuer != nullptr ? X509_get_subject_name(issuer) : subject) != 1) {
    return OpensslError(absl::StrCat("certificate fields of ", spec.common_name));
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : spec.extensions) {
    ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (ext == nullptr || X509_add_ext(cert.get(), ext.get(), -1) != 1) {
      return OpensslError(absl::StrCat("extension ", OBJ_nid2sn(nid), " = ", value));
    }
  }
  if (spec.sans != nullptr &&
      X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, const_cast<GENERAL_NAMES*>(spec.sans), 0,
                        X509V3_ADD_DEFAULT) != 1) {
    return OpensslError("extension subjectAltName");
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) {
    return OpensslError(absl::StrCat("sign certificate of ", spec.common_name));
  }
  return cert;
}

absl::Status AddName(GENERAL_NAMES* names, int type, absl::string_view text) {
  Ia5StringPtr value(ASN1_IA5STRING_new());
  if (value == nullptr ||
      ASN1_STRING_set(value.get(), text.data(), static_cast<int>(text.size())) != 1) {
    return OpensslError("subjectAltName entry");
  }
  GeneralNamePtr name(GENERAL_NAME_new());
  if (name == nullptr) return OpensslError("subjectAltName entry");
  GENERAL_NAME_set0_value(name.get(), type, value.release());
  if (sk_GENERAL_NAME_push(names, name.get()) <= 0) return OpensslError("subjectAltName entry");
  name.release();
  return absl::OkStatus();
}

std::string Asn1Text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// An IP SAN's octets as text; nullopt unless 4 or 16 bytes.
std::optional<std::string> IpText(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  const int len = ASN1_STRING_length(ip);
  const int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
  if (family == 0 || ::inet_ntop(family, ASN1_STRING_get0_data(ip), buf, sizeof(buf)) == nullptr) {
    return std::nullopt;
  }
  return std::string(buf);
}

// RFC 1123 host name: dot-separated labels of 1-63 letters, digits and '-', not starting or
// ending with '-'; at most 253 characters; the last label not all digits (that is an IP address).
bool IsDnsName(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  bool last_all_digits = false;
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    last_all_digits = true;
    for (char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') return false;
      last_all_digits = last_all_digits && absl::ascii_isdigit(c);
    }
  }
  return !last_all_digits;
}

struct Sans {
  GeneralNamesPtr names;
  std::vector<std::string> dns;
  std::vector<std::string> ips;  // normalised by inet_ntop
};

absl::StatusOr<Sans> BuildSans(const std::string& uri, const IssueRequest& request) {
  Sans sans{GeneralNamesPtr(sk_GENERAL_NAME_new_null()), {}, {}};
  if (sans.names == nullptr) return OpensslError("subjectAltName");
  UNGGUL_RETURN_IF_ERROR(AddName(sans.names.get(), GEN_URI, uri));
  std::set<std::string> seen_dns;
  std::set<std::string> seen_ips;
  for (const std::string& dns : request.dns_names) {
    if (!IsDnsName(dns)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dns_names: must be host names (letters, digits, '-' and '.'; IP addresses go in "
          "ip_addresses), got ",
          Quote(dns)));
    }
    if (!seen_dns.insert(absl::AsciiStrToLower(dns)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("dns_names: must not repeat, got ", Quote(dns), " twice"));
    }
    UNGGUL_RETURN_IF_ERROR(AddName(sans.names.get(), GEN_DNS, dns));
    sans.dns.push_back(dns);
  }
  for (const std::string& ip : request.ip_addresses) {
    OctetStringPtr octets(a2i_IPADDRESS(ip.c_str()));
    std::optional<std::string> text;
    if (octets != nullptr) text = IpText(octets.get());
    if (!text.has_value()) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("ip_addresses: must be IPv4 or IPv6 addresses, got ", Quote(ip)));
    }
    if (!seen_ips.insert(*text).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("ip_addresses: must not repeat, got ", Quote(ip), " twice"));
    }
    GeneralNamePtr name(GENERAL_NAME_new());
    if (name == nullptr) return OpensslError("subjectAltName entry");
    GENERAL_NAME_set0_value(name.get(), GEN_IPADD, octets.release());
    if (sk_GENERAL_NAME_push(sans.names.get(), name.get()) <= 0) {
      return OpensslError("subjectAltName entry");
    }
    name.release();
    sans.ips.push_back(*std::move(text));
  }
  return sans;
}

absl::StatusOr<CertInfo> Describe(const X509* cert) {
  CertInfo info;
  UNGGUL_ASSIGN_OR_RETURN(info.serial_hex, SerialHex(X509_get0_serialNumber(cert)));
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_URI) {
      info.uris.push_back(Asn1Text(name->d.uniformResourceIdentifier));
    } else if (name->type == GEN_DNS) {
      info.dns.push_back(Asn1Text(name->d.dNSName));
    } else if (name->type == GEN_IPADD) {
      std::optional<std::string> ip = IpText(name->d.iPAddress);
      if (!ip.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("certificate: IP SAN must be 4 or 16 bytes, got ",
                         ASN1_STRING_length(name->d.iPAddress)));
      }
      info.ips.push_back(*std::move(ip));
    }
  }
  ERR_clear_error();  // whatever decoding the extensions left queued
  std::optional<absl::Time> not_before = FromAsn1Time(X509_get0_notBefore(cert));
  std::optional<absl::Time> not_after = FromAsn1Time(X509_get0_notAfter(cert));
  if (!not_before.has_value() || !not_after.has_value()) {
    return absl::InvalidArgumentError("certificate: validity times must be ASN.1 times");
  }
  info.not_before = *not_before;
  info.not_after = *not_after;
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int cn = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (cn >= 0) {
    unsigned char* utf8 = nullptr;
    const int len =
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, cn)));
    if (len < 0) return OpensslError("certificate: subject CN");
    info.subject_cn.assign(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
    OPENSSL_free(utf8);
  }
  return info;
}

// ---- The CA's files ----

struct Ca {
  X509Ptr cert;
  PkeyPtr key;
};

absl::StatusOr<Ca> LoadCa(const std::string& ca_dir) {
  const std::string key_path = PathIn(ca_dir, kCaKeyFile);
  const std::string cert_path = PathIn(ca_dir, kCaCertFile);
  Ca ca;
  {
    UNGGUL_ASSIGN_OR_RETURN(std::string pem, ReadFile(key_path));
    UNGGUL_ASSIGN_OR_RETURN(BioPtr bio, MemoryBio(pem));
    ca.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
    OPENSSL_cleanse(pem.data(), pem.size());
    if (ca.key == nullptr) {
      ERR_clear_error();
      return absl::DataLossError(
          absl::StrCat(key_path, ": must be an unencrypted PEM private key"));
    }
  }
  UNGGUL_ASSIGN_OR_RETURN(std::string pem, ReadFile(cert_path));
  absl::StatusOr<X509Ptr> cert = ParseCertificatePem(pem);
  if (!cert.ok())
    return absl::DataLossError(absl::StrCat(cert_path, ": must be a PEM certificate"));
  ca.cert = *std::move(cert);
  if (X509_check_private_key(ca.cert.get(), ca.key.get()) != 1) {
    ERR_clear_error();
    return absl::DataLossError(absl::StrCat(key_path, " is not the key of ", cert_path));
  }
  return ca;
}

struct RevokedEntry {
  std::string serial;
  int64_t revoked_at_unix = 0;
  std::string reason;
};

absl::Status LineError(const std::string& path, int line, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat(path, ":", line, ": ", problem));
}

absl::Status CheckCanonicalSerial(const std::string& path, int line, absl::string_view serial) {
  absl::StatusOr<std::string> canonical = CanonicalSerialHex(serial);
  if (canonical.ok() && *canonical == serial) return absl::OkStatus();
  return LineError(
      path, line,
      absl::StrCat("serial: must be lowercase hex without leading zeros, got ", Quote(serial)));
}

absl::StatusOr<std::vector<RevokedEntry>> ReadRevokedEntries(const std::string& path) {
  UNGGUL_ASSIGN_OR_RETURN(std::string content, ReadFileOrEmpty(path));
  std::vector<RevokedEntry> entries;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 3) {
      return LineError(path, line_no,
                       absl::StrCat("must have 3 tab-separated fields, got ", fields.size()));
    }
    RevokedEntry e;
    e.serial = std::string(fields[0]);
    UNGGUL_RETURN_IF_ERROR(CheckCanonicalSerial(path, line_no, e.serial));
    if (!absl::SimpleAtoi(fields[1], &e.revoked_at_unix)) {
      return LineError(path, line_no,
                       absl::StrCat("revoked_at: must be Unix seconds, got ", Quote(fields[1])));
    }
    e.reason = std::string(fields[2]);
    entries.push_back(std::move(e));
  }
  return entries;
}

absl::StatusOr<std::vector<CertInfo>> ReadIssuedIndex(const std::string& ca_dir) {
  const std::string path = PathIn(ca_dir, kIssuedFile);
  UNGGUL_ASSIGN_OR_RETURN(std::string content, ReadFileOrEmpty(path));
  std::vector<CertInfo> issued;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 7) {
      return LineError(path, line_no,
                       absl::StrCat("must have 7 tab-separated fields, got ", fields.size()));
    }
    CertInfo info;
    info.serial_hex = std::string(fields[0]);
    UNGGUL_RETURN_IF_ERROR(CheckCanonicalSerial(path, line_no, info.serial_hex));
    absl::StatusOr<PeerId> id = ParseSpiffeUri(fields[1]);
    if (!id.ok()) return LineError(path, line_no, id.status().message());
    info.uris.push_back(std::string(fields[1]));
    info.subject_cn = CommonName(*id);
    int64_t not_before = 0;
    int64_t not_after = 0;
    if (!absl::SimpleAtoi(fields[2], &not_before) || !absl::SimpleAtoi(fields[3], &not_after)) {
      return LineError(path, line_no, "not_before, not_after: must be Unix seconds");
    }
    info.not_before = absl::FromUnixSeconds(not_before);
    info.not_after = absl::FromUnixSeconds(not_after);
    for (absl::string_view dns : absl::StrSplit(fields[4], ',')) {
      if (fields[4] != "-") info.dns.emplace_back(dns);
    }
    for (absl::string_view ip : absl::StrSplit(fields[5], ',')) {
      if (fields[5] != "-") info.ips.emplace_back(ip);
    }
    issued.push_back(std::move(info));
  }
  return issued;
}

absl::StatusOr<std::string> SignCrl(const Ca& ca, const std::vector<RevokedEntry>& entries,
                                    absl::Time now, uint64_t number) {
  CrlPtr crl(X509_CRL_new());
  UNGGUL_ASSIGN_OR_RETURN(Asn1TimePtr last_update, ToAsn1Time(now));
  UNGGUL_ASSIGN_OR_RETURN(Asn1TimePtr next_update, ToAsn1Time(now + kCrlValidity));
  if (crl == nullptr || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.cert.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    return OpensslError("CRL fields");
  }
  for (const RevokedEntry& e : entries) {
    UNGGUL_ASSIGN_OR_RETURN(Asn1IntegerPtr serial, SerialToAsn1(e.serial));
    UNGGUL_ASSIGN_OR_RETURN(Asn1TimePtr when, ToAsn1Time(absl::FromUnixSeconds(e.revoked_at_unix)));
    RevokedPtr revoked(X509_REVOKED_new());
    if (revoked == nullptr || X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(revoked.get(), when.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), revoked.get()) != 1) {
      return OpensslError(absl::StrCat("CRL entry ", e.serial));
    }
    revoked.release();  // owned by the CRL
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca.cert.get(), nullptr, nullptr, crl.get(), 0);
  ExtensionPtr akid(
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
  if (akid == nullptr || X509_CRL_add_ext(crl.get(), akid.get(), -1) != 1 ||
      crl_number == nullptr || ASN1_INTEGER_set_uint64(crl_number.get(), number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0) != 1) {
    return OpensslError("CRL extensions");
  }
  if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), ca.key.get(), EVP_sha256()) <= 0) {
    return OpensslError("sign CRL");
  }
  return CrlPem(crl.get());
}

// A serial_hex_or_cert_path names a file when it contains '/' or '.'.
bool NamesFile(absl::string_view serial_or_path) {
  return absl::StrContains(serial_or_path, '/') || absl::StrContains(serial_or_path, '.');
}

}  // namespace

absl::Status ValidatePeerId(const PeerId& id) {
  UNGGUL_RETURN_IF_ERROR(CheckKanwil(id.kanwil));
  switch (id.kind) {
    case PeerId::Kind::kUpt:
      return CheckUptCode(id.name);
    case PeerId::Kind::kAggregator:
      if (id.name.empty()) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat("name: must be empty for the aggregator, got ", Quote(id.name)));
    case PeerId::Kind::kUser:
      return CheckUser(id.name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("kind: must be kUpt, kAggregator or kUser, got ", static_cast<int>(id.kind)));
}

std::string SpiffeUri(const PeerId& id) {
  std::string uri = absl::StrCat(kSpiffePrefix, "kanwil/", id.kanwil);
  switch (id.kind) {
    case PeerId::Kind::kUpt:
      absl::StrAppend(&uri, "/upt/", id.name);
      break;
    case PeerId::Kind::kAggregator:
      absl::StrAppend(&uri, "/aggregator");
      break;
    case PeerId::Kind::kUser:
      absl::StrAppend(&uri, "/user/", id.name);
      break;
  }
  return uri;
}

absl::StatusOr<PeerId> ParseSpiffeUri(absl::string_view uri) {
  absl::string_view path = uri;
  if (!absl::ConsumePrefix(&path, kSpiffePrefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat("uri: must start with ", kSpiffePrefix, ", got ", Quote(uri)));
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  auto shape_error = [uri] {
    return absl::InvalidArgumentError(
        absl::StrCat("uri: path must be kanwil/<KANWIL>/upt/<UPT>, kanwil/<KANWIL>/aggregator or "
                     "kanwil/<KANWIL>/user/<user>, got ",
                     Quote(uri)));
  };
  if (parts.size() < 3 || parts[0] != "kanwil") return shape_error();
  PeerId id;
  id.kanwil = std::string(parts[1]);
  UNGGUL_RETURN_IF_ERROR(CheckKanwil(id.kanwil));
  if (parts[2] == "aggregator" && parts.size() == 3) {
    id.kind = PeerId::Kind::kAggregator;
  } else if (parts[2] == "upt" && parts.size() == 4) {
    id.kind = PeerId::Kind::kUpt;
    id.name = std::string(parts[3]);
    UNGGUL_RETURN_IF_ERROR(CheckUptCode(id.name));
  } else if (parts[2] == "user" && parts.size() == 4) {
    id.kind = PeerId::Kind::kUser;
    id.name = std::string(parts[3]);
    UNGGUL_RETURN_IF_ERROR(CheckUser(id.name));
  } else {
    return shape_error();
  }
  return id;
}

absl::StatusOr<std::string> CanonicalSerialHex(absl::string_view serial) {
  absl::string_view rest = serial;
  if (!absl::ConsumePrefix(&rest, "0x")) absl::ConsumePrefix(&rest, "0X");
  std::string digits;
  for (char c : rest) {
    if (c == ':') continue;
    if (!absl::ascii_isxdigit(c)) {
      digits.clear();
      break;
    }
    digits.push_back(absl::ascii_tolower(c));
  }
  if (digits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("serial: must be hex digits (optionally 0x-prefixed or colon-separated), got ",
                     Quote(serial)));
  }
  const size_t first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "0" : digits.substr(first);
  if (digits.size() > 40) {
    return absl::InvalidArgumentError(
        absl::StrCat("serial: must be at most 20 bytes (40 hex digits), got ", Quote(serial)));
  }
  return digits;
}

absl::StatusOr<std::string> ReadCaKanwil(const std::string& ca_dir) {
  const std::string path = PathIn(ca_dir, kKanwilFile);
  UNGGUL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  const std::string kanwil(absl::StripAsciiWhitespace(text));
  if (absl::Status s = CheckKanwil(kanwil); !s.ok()) {
    return absl::DataLossError(absl::StrCat(path, ": ", s.message()));
  }
  return kanwil;
}

absl::Status CreateCa(const std::string& ca_dir, absl::string_view kanwil_code, absl::Time now,
                      absl::Duration validity) {
  if (ca_dir.empty()) return absl::InvalidArgumentError("ca_dir: must not be empty, got \"\"");
  UNGGUL_RETURN_IF_ERROR(CheckKanwil(kanwil_code));
  UNGGUL_RETURN_IF_ERROR(CheckValidity(validity, kMinCaValidity, kMaxCaValidity));
  std::error_code ec;
  std::filesystem::create_directories(ca_dir, ec);
  if (ec) return ErrnoStatus(ec.value(), "cannot create folder", ca_dir);
  if (::chmod(ca_dir.c_str(), 0700) != 0) {
    return LastErrnoStatus("cannot chmod", ca_dir);
  }
  UNGGUL_ASSIGN_OR_RETURN(ScopedFd lock, LockDir(ca_dir));
  const std::string key_path = PathIn(ca_dir, kCaKeyFile);
  if (PathExists(key_path)) {
    return absl::AlreadyExistsError(absl::StrCat(key_path, " exists: a CA is never overwritten"));
  }
  UNGGUL_ASSIGN_OR_RETURN(PkeyPtr key, NewP256Key());
  CertSpec spec;
  spec.common_name = absl::StrCat("Unggul Kanwil ", kanwil_code, " CA");
  spec.not_before = WholeSeconds(now - kNotBeforeBackdate);
  spec.not_after = WholeSeconds(now + validity);
  spec.extensions = {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                     {NID_key_usage, "critical,keyCertSign,cRLSign"},
                     {NID_subject_key_identifier, "hash"}};
  UNGGUL_ASSIGN_OR_RETURN(X509Ptr cert, SignCertificate(spec, key.get(), nullptr, key.get()));
  UNGGUL_ASSIGN_OR_RETURN(std::string cert_pem, CertificatePem(cert.get()));
  UNGGUL_ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyPem(key.get()));
  const std::string kanwil_line = absl::StrCat(kanwil_code, "\n");
  UNGGUL_RETURN_IF_ERROR(WriteFilesAtomic({{PathIn(ca_dir, kKanwilFile), kanwil_line, 0644},
                                           {PathIn(ca_dir, kSerialFile), "0\n", 0644},
                                           {PathIn(ca_dir, kIssuedFile), "", 0644},
                                           {PathIn(ca_dir, kRevokedFile), "", 0644},
                                           {PathIn(ca_dir, kCaCertFile), cert_pem, 0644}}));
  // Last: ca.key marks a complete CA.
  absl::Status written = WriteFileAtomic(key_path, key_pem, 0600);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  return written;
}

absl::StatusOr<Issued> Issue(const std::string& ca_dir, const IssueRequest& request, absl::Time now,
                             const std::string& out_prefix) {
  UNGGUL_RETURN_IF_ERROR(ValidatePeerId(request.id));
  UNGGUL_RETURN_IF_ERROR(CheckValidity(request.validity, kMinLeafValidity, kMaxLeafValidity));
  if (out_prefix.empty() || out_prefix.find_first_of("\t\n\r") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "out_prefix: must be a path without tabs or line breaks, got ", Quote(out_prefix)));
  }
  Issued issued;
  issued.uri = SpiffeUri(request.id);
  UNGGUL_ASSIGN_OR_RETURN(Sans sans, BuildSans(issued.uri, request));

  UNGGUL_ASSIGN_OR_RETURN(ScopedFd lock, LockDir(ca_dir));
  UNGGUL_ASSIGN_OR_RETURN(std::string ca_kanwil, ReadCaKanwil(ca_dir));
  if (request.id.kanwil != ca_kanwil) {
    return absl::FailedPreconditionError(absl::StrCat("kanwil: must be the CA's (", ca_kanwil,
                                                      " in ", PathIn(ca_dir, kKanwilFile),
                                                      "), got ", Quote(request.id.kanwil)));
  }
  UNGGUL_ASSIGN_OR_RETURN(Ca ca, LoadCa(ca_dir));
  CertSpec spec;
  spec.common_name = CommonName(request.id);
  spec.not_before = WholeSeconds(now - kNotBeforeBackdate);
  spec.not_after = WholeSeconds(now + request.validity);
  const std::optional<absl::Time> ca_not_before = FromAsn1Time(X509_get0_notBefore(ca.cert.get()));
  const std::optional<absl::Time> ca_not_after = FromAsn1Time(X509_get0_notAfter(ca.cert.get()));
  if (!ca_not_before.has_value() || !ca_not_after.has_value()) {
    return absl::DataLossError(
        absl::StrCat(PathIn(ca_dir, kCaCertFile), ": validity times must be ASN.1 times"));
  }
  if (now < *ca_not_before || spec.not_after > *ca_not_after) {
    return absl::FailedPreconditionError(absl::StrCat(
        "validity: must lie within the CA certificate's (", FormatUtc(*ca_not_before), " to ",
        FormatUtc(*ca_not_after), "), got ", FormatUtc(now), " to ", FormatUtc(spec.not_after)));
  }
  const bool server_too = request.id.kind != PeerId::Kind::kUser;
  spec.extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                     {NID_key_usage, "critical,digitalSignature"},
                     {NID_ext_key_usage, server_too ? "serverAuth,clientAuth" : "clientAuth"},
                     {NID_subject_key_identifier, "hash"},
                     {NID_authority_key_identifier, "keyid:always"}};
  spec.sans = sans.names.get();
  UNGGUL_ASSIGN_OR_RETURN(PkeyPtr key, NewP256Key());
  UNGGUL_ASSIGN_OR_RETURN(X509Ptr cert,
                          SignCertificate(spec, key.get(), ca.cert.get(), ca.key.get()));
  UNGGUL_ASSIGN_OR_RETURN(issued.serial_hex, SerialHex(X509_get0_serialNumber(cert.get())));
  issued.not_after = spec.not_after;
  UNGGUL_ASSIGN_OR_RETURN(std::string cert_pem, CertificatePem(cert.get()));
  UNGGUL_ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyPem(key.get()));
  const std::string key_path = absl::StrCat(out_prefix, ".key");
  const std::string cert_path = absl::StrCat(out_prefix, ".crt");
  // Both are complete on disk before either rename: a reloading server sees a mismatched pair
  // for two renames at most.
  absl::Status written = WriteFilesAtomic({{key_path, key_pem, 0600}, {cert_path, cert_pem, 0644}});
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  UNGGUL_RETURN_IF_ERROR(written);

  std::error_code ec;
  std::string abs_cert_path = std::filesystem::absolute(cert_path, ec).string();
  if (ec) abs_cert_path = cert_path;
  UNGGUL_RETURN_IF_ERROR(AppendLine(
      PathIn(ca_dir, kIssuedFile),
      absl::StrCat(issued.serial_hex, "\t", issued.uri, "\t", absl::ToUnixSeconds(spec.not_before),
                   "\t", absl::ToUnixSeconds(spec.not_after), "\t",
                   sans.dns.empty() ? "-" : absl::StrJoin(sans.dns, ","), "\t",
                   sans.ips.empty() ? "-" : absl::StrJoin(sans.ips, ","), "\t", abs_cert_path)));
  UNGGUL_RETURN_IF_ERROR(NextCounter(ca_dir).status());
  return issued;
}

absl::Status Revoke(const std::string& ca_dir, absl::string_view serial_hex_or_cert_path,
                    absl::Time now, absl::string_view reason) {
  if (reason.size() > kMaxReason || reason.find_first_of("\t\n\r") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "reason: must be one line of at most 200 characters without tabs, got ", Quote(reason)));
  }
  const std::string recorded_reason = reason.empty() ? "unspecified" : std::string(reason);
  std::string serial;
  X509Ptr cert;
  if (NamesFile(serial_hex_or_cert_path)) {
    const std::string path(serial_hex_or_cert_path);
    UNGGUL_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
    absl::StatusOr<X509Ptr> parsed = ParseCertificatePem(pem);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.status().message()));
    }
    cert = *std::move(parsed);
    UNGGUL_ASSIGN_OR_RETURN(serial, SerialHex(X509_get0_serialNumber(cert.get())));
  } else {
    UNGGUL_ASSIGN_OR_RETURN(serial, CanonicalSerialHex(serial_hex_or_cert_path));
  }

  UNGGUL_ASSIGN_OR_RETURN(ScopedFd lock, LockDir(ca_dir));
  UNGGUL_ASSIGN_OR_RETURN(Ca ca, LoadCa(ca_dir));
  if (cert != nullptr) {
    if (X509_verify(cert.get(), X509_get0_pubkey(ca.cert.get())) != 1) {
      ERR_clear_error();
      return absl::FailedPreconditionError(absl::StrCat(
          serial_hex_or_cert_path, ": certificate was not issued by the CA in ", ca_dir));
    }
  } else {
    UNGGUL_ASSIGN_OR_RETURN(std::vector<CertInfo> issued, ReadIssuedIndex(ca_dir));
    bool known = false;
    for (const CertInfo& info : issued) known = known || info.serial_hex == serial;
    if (!known) {
      return absl::NotFoundError(
          absl::StrCat("serial ", serial, ": not in ", PathIn(ca_dir, kIssuedFile)));
    }
  }
  const std::string revoked_path = PathIn(ca_dir, kRevokedFile);
  UNGGUL_ASSIGN_OR_RETURN(std::vector<RevokedEntry> entries, ReadRevokedEntries(revoked_path));
  bool listed = false;
  for (const RevokedEntry& e : entries) listed = listed || e.serial == serial;
  if (!listed) {
    RevokedEntry entry{serial, absl::ToUnixSeconds(now), recorded_reason};
    UNGGUL_RETURN_IF_ERROR(AppendLine(
        revoked_path, absl::StrCat(entry.serial, "\t", entry.revoked_at_unix, "\t", entry.reason)));
    entries.push_back(std::move(entry));
  }
  UNGGUL_ASSIGN_OR_RETURN(uint64_t crl_number, NextCounter(ca_dir));
  UNGGUL_ASSIGN_OR_RETURN(std::string crl_pem, SignCrl(ca, entries, now, crl_number));
  return WriteFileAtomic(PathIn(ca_dir, kCrlFile), crl_pem, 0644);
}

absl::StatusOr<std::set<std::string>> ReadRevokedSerials(const std::string& revoked_txt_path) {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<RevokedEntry> entries, ReadRevokedEntries(revoked_txt_path));
  std::set<std::string> serials;
  for (RevokedEntry& e : entries) serials.insert(std::move(e.serial));
  return serials;
}

absl::StatusOr<CertInfo> InspectCertificatePem(absl::string_view pem) {
  UNGGUL_ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificatePem(pem));
  return Describe(cert.get());
}

absl::StatusOr<CertInfo> InspectCertificateFile(const std::string& path) {
  UNGGUL_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  absl::StatusOr<CertInfo> info = InspectCertificatePem(pem);
  if (!info.ok()) {
    return absl::Status(info.status().code(), absl::StrCat(path, ": ", info.status().message()));
  }
  return info;
}

absl::StatusOr<std::vector<CertInfo>> ListIssued(const std::string& ca_dir) {
  UNGGUL_RETURN_IF_ERROR(ReadCaKanwil(ca_dir).status());
  return ReadIssuedIndex(ca_dir);
}

}  // namespace unggul::pki
