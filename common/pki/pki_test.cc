#include "common/pki/pki.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::pki {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::unggul::testing::ScopedTempDir;
using ::unggul::testing::StatusIs;

template <auto kFree>
struct Free {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Free<X509_CRL_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
using EkuPtr = std::unique_ptr<EXTENDED_KEY_USAGE, Free<EXTENDED_KEY_USAGE_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER_free>>;
void FreeOpensslString(char* p) { OPENSSL_free(p); }
using OpensslStringPtr = std::unique_ptr<char, Free<FreeOpensslString>>;

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 12, 1, 0, 0, 0), absl::UTCTimeZone());

absl::Duration Days(int n) { return absl::Hours(24) * n; }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

mode_t Mode(const std::string& path) {
  struct stat st = {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

X509Ptr LoadCert(const std::string& path) {
  const std::string pem = ReadText(path);
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

CrlPtr LoadCrl(const std::string& path) {
  const std::string pem = ReadText(path);
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return CrlPtr(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
}

PkeyPtr LoadKey(const std::string& path) {
  const std::string pem = ReadText(path);
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// X509_V_OK, or the verification error of `leaf` against `ca` at `at` for `purpose`
// (X509_PURPOSE_SSL_SERVER / _CLIENT), with a CRL check when `crl` is set.
int VerifyAt(X509* ca, X509* leaf, absl::Time at, int purpose, X509_CRL* crl = nullptr) {
  StorePtr store(X509_STORE_new());
  if (X509_STORE_add_cert(store.get(), ca) != 1) return -1;
  if (crl != nullptr && X509_STORE_add_crl(store.get(), crl) != 1) return -1;
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr) != 1) return -1;
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(at));
  if (crl != nullptr) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
  if (X509_STORE_CTX_set_purpose(ctx.get(), purpose) != 1) return -1;
  if (X509_verify_cert(ctx.get()) == 1) return X509_V_OK;
  const int error = X509_STORE_CTX_get_error(ctx.get());
  return error == X509_V_OK ? -1 : error;
}

std::set<int> Ekus(X509* cert) {
  EkuPtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  std::set<int> nids;
  for (int i = 0; eku != nullptr && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    nids.insert(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), i)));
  }
  return nids;
}

int SanCount(X509* cert) {
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  return names == nullptr ? 0 : sk_GENERAL_NAME_num(names.get());
}

bool IsCritical(X509* cert, int nid) {
  const int i = X509_get_ext_by_NID(cert, nid, -1);
  return i >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, i)) == 1;
}

absl::Time TimeOf(const ASN1_TIME* t) {
  struct tm tm = {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return absl::InfinitePast();
  return absl::FromCivil(absl::CivilSecond(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                           tm.tm_min, tm.tm_sec),
                         absl::UTCTimeZone());
}

std::string SerialOf(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  OpensslStringPtr hex(BN_bn2hex(bn.get()));
  absl::StatusOr<std::string> canonical = CanonicalSerialHex(hex.get());
  return canonical.ok() ? *canonical : "";
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// ---- Identities ----

TEST(SpiffeTest, FormatsAndParsesEveryKind) {
  const std::vector<std::pair<PeerId, std::string>> cases = {
      {{PeerId::Kind::kUpt, "SUMSEL", "SMS-LP-LAHAT"},
       "spiffe://unggul/kanwil/SUMSEL/upt/SMS-LP-LAHAT"},
      {{PeerId::Kind::kAggregator, "SUMSEL", ""}, "spiffe://unggul/kanwil/SUMSEL/aggregator"},
      {{PeerId::Kind::kUser, "SUMSEL", "kabid.yanbin"},
       "spiffe://unggul/kanwil/SUMSEL/user/kabid.yanbin"},
      {{PeerId::Kind::kUser, "K-1", "op_2-x"}, "spiffe://unggul/kanwil/K-1/user/op_2-x"},
  };
  for (const auto& [id, uri] : cases) {
    UNGGUL_EXPECT_OK(ValidatePeerId(id));
    EXPECT_EQ(SpiffeUri(id), uri);
    UNGGUL_ASSERT_OK_AND_ASSIGN(PeerId parsed, ParseSpiffeUri(uri));
    EXPECT_EQ(parsed, id) << uri;
  }
}

TEST(SpiffeTest, RejectsEachMalformedPart) {
  const std::string k33(33, 'A');
  const std::string u65(65, 'A');
  const std::string user65(65, 'a');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "uri: must start with spiffe://unggul/"},
      {"spiffe://other/kanwil/SUMSEL/aggregator", "uri: must start"},
      {"SPIFFE://unggul/kanwil/SUMSEL/aggregator", "uri: must start"},
      {"spiffe://unggul", "uri: must start"},
      {"spiffe://unggul/kanwil/SUMSEL", "uri: path must be"},
      {"spiffe://unggul/prov/SUMSEL/aggregator", "uri: path must be"},
      {"spiffe://unggul/kanwil/SUMSEL/aggregator/", "uri: path must be"},
      {"spiffe://unggul/kanwil/SUMSEL/aggregator/x", "uri: path must be"},
      {"spiffe://unggul/kanwil/SUMSEL/upt", "uri: path must be"},
      {"spiffe://unggul/kanwil/SUMSEL/upt/SMS-LP-LAHAT/x", "uri: path must be"},
      {"spiffe://unggul/kanwil/SUMSEL/operator/x", "uri: path must be"},
      {"spiffe://unggul/kanwil//upt/SMS-LP-LAHAT", "kanwil: must be 2-32"},
      {"spiffe://unggul/kanwil/sumsel/aggregator", "kanwil: must be 2-32"},
      {"spiffe://unggul/kanwil/S/aggregator", "kanwil: must be 2-32"},
      {"spiffe://unggul/kanwil/" + k33 + "/aggregator", "kanwil: must be 2-32"},
      {"spiffe://unggul/kanwil/SUMSEL/upt/sms-lp-lahat", "upt: must be 3-64"},
      {"spiffe://unggul/kanwil/SUMSEL/upt/AB", "upt: must be 3-64"},
      {"spiffe://unggul/kanwil/SUMSEL/upt/" + u65, "upt: must be 3-64"},
      {"spiffe://unggul/kanwil/SUMSEL/upt/SMS-LP-LAHAT?x=1", "upt: must be 3-64"},
      {"spiffe://unggul/kanwil/SUMSEL/user/", "user: must be 1-64"},
      {"spiffe://unggul/kanwil/SUMSEL/user/Kabid", "user: must be 1-64"},
      {"spiffe://unggul/kanwil/SUMSEL/user/..", "user: must be 1-64"},
      {"spiffe://unggul/kanwil/SUMSEL/user/kabid#x", "user: must be 1-64"},
      {"spiffe://unggul/kanwil/SUMSEL/user/" + user65, "user: must be 1-64"},
  };
  for (const auto& [uri, message] : cases) {
    EXPECT_THAT(ParseSpiffeUri(uri),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)))
        << uri;
  }
}

TEST(SpiffeTest, ValidatePeerIdNamesTheField) {
  EXPECT_THAT(ValidatePeerId({PeerId::Kind::kAggregator, "SUMSEL", "x"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name: must be empty")));
  EXPECT_THAT(ValidatePeerId({PeerId::Kind::kUpt, "SUMSEL", ""}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("upt:")));
  EXPECT_THAT(ValidatePeerId({PeerId::Kind::kUser, "S", "ops"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kanwil:")));
}

TEST(SerialTest, CanonicalFormIsLowercaseWithoutLeadingZeros) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"00AB:CD", "abcd"},
      {"0x0001", "1"},
      {"000", "0"},
      {"DEADbeef", "deadbeef"},
      {std::string(50, '0') + "7", "7"},
  };
  for (const auto& [input, canonical] : cases) {
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::string got, CanonicalSerialHex(input));
    EXPECT_EQ(got, canonical) << input;
  }
  const std::vector<std::string> bad_serials = {
      "", "0x", ":", "xyz", "12-34", "-1", std::string(41, 'f')};
  for (const std::string& bad : bad_serials) {
    EXPECT_THAT(CanonicalSerialHex(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("serial:")))
        << bad;
  }
}

// ---- The CA ----

class PkiTest : public ::testing::Test {
 protected:
  void SetUp() override { UNGGUL_ASSERT_OK(CreateCa(ca_dir_, "SUMSEL", kNow, Days(3650))); }

  std::string Path(absl::string_view name) const { return absl::StrCat(tmp_.path(), "/", name); }
  std::string CaFile(absl::string_view name) const { return absl::StrCat(ca_dir_, "/", name); }

  static IssueRequest NodeRequest() {
    IssueRequest r;
    r.id = {PeerId::Kind::kUpt, "SUMSEL", "SMS-LP-LAHAT"};
    r.dns_names = {"localhost", "upt-lahat.sumsel.test"};
    r.ip_addresses = {"127.0.0.1", "::1"};
    r.validity = Days(397);
    return r;
  }
  static IssueRequest Request(PeerId::Kind kind, std::string name) {
    IssueRequest r;
    r.id = {kind, "SUMSEL", std::move(name)};
    r.validity = Days(397);
    return r;
  }

  ScopedTempDir tmp_;
  const std::string ca_dir_ = tmp_.path() + "/pki/ca";
};

TEST_F(PkiTest, CreateCaWritesTheCaFiles) {
  EXPECT_EQ(Mode(ca_dir_), 0700u);
  EXPECT_EQ(Mode(CaFile(kCaKeyFile)), 0600u);
  EXPECT_EQ(ReadText(CaFile(kKanwilFile)), "SUMSEL\n");
  EXPECT_EQ(ReadText(CaFile(kSerialFile)), "0\n");
  EXPECT_EQ(ReadText(CaFile(kRevokedFile)), "");
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::string kanwil, ReadCaKanwil(ca_dir_));
  EXPECT_EQ(kanwil, "SUMSEL");

  X509Ptr ca = LoadCert(CaFile(kCaCertFile));
  PkeyPtr key = LoadKey(CaFile(kCaKeyFile));
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_check_private_key(ca.get(), key.get()), 1);
  EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 256);
  EXPECT_TRUE(EVP_PKEY_is_a(key.get(), "EC"));
  EXPECT_EQ(X509_verify(ca.get(), X509_get0_pubkey(ca.get())), 1);  // self-signed
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_get_pathlen(ca.get()), 0);
  EXPECT_TRUE(IsCritical(ca.get(), NID_basic_constraints));
  EXPECT_TRUE(IsCritical(ca.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(ca.get()), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NE(X509_get0_subject_key_id(ca.get()), nullptr);
  UNGGUL_ASSERT_OK_AND_ASSIGN(CertInfo info, InspectCertificateFile(CaFile(kCaCertFile)));
  EXPECT_EQ(info.subject_cn, "Unggul Kanwil SUMSEL CA");
  EXPECT_EQ(info.not_before, kNow - kNotBeforeBackdate);
  EXPECT_EQ(info.not_after, kNow + Days(3650));
  EXPECT_THAT(info.uris, IsEmpty());
}

TEST_F(PkiTest, CreateCaNeverOverwrites) {
  const std::string key_before = ReadText(CaFile(kCaKeyFile));
  const std::string cert_before = ReadText(CaFile(kCaCertFile));
  EXPECT_THAT(CreateCa(ca_dir_, "SUMSEL", kNow, Days(3650)),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("ca.key")));
  EXPECT_THAT(CreateCa(ca_dir_, "JAMBI", kNow + Days(1), Days(365)),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(ReadText(CaFile(kCaKeyFile)), key_before);
  EXPECT_EQ(ReadText(CaFile(kCaCertFile)), cert_before);
  EXPECT_EQ(ReadText(CaFile(kKanwilFile)), "SUMSEL\n");
}

TEST_F(PkiTest, CreateCaRejectsBadInputAndWritesNothing) {
  const std::string dir = Path("bad");
  EXPECT_THAT(CreateCa(dir, "sumsel", kNow, Days(3650)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kanwil:")));
  EXPECT_THAT(CreateCa(dir, "SUMSEL", kNow, absl::Hours(1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("validity:")));
  EXPECT_THAT(CreateCa(dir, "SUMSEL", kNow, Days(10951)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("validity:")));
  EXPECT_EQ(Mode(dir), 0u);  // not created
}

// ---- Issue ----

TEST_F(PkiTest, NodeCertificateVerifiesAndCarriesExactlyWhatWasAsked) {
  const std::string out = Path("lahat");
  UNGGUL_ASSERT_OK_AND_ASSIGN(Issued issued, Issue(ca_dir_, NodeRequest(), kNow, out));
  EXPECT_EQ(issued.uri, "spiffe://unggul/kanwil/SUMSEL/upt/SMS-LP-LAHAT");
  EXPECT_EQ(issued.not_after, kNow + Days(397));
  EXPECT_EQ(issued.serial_hex.size(), 32u);

  X509Ptr ca = LoadCert(CaFile(kCaCertFile));
  X509Ptr leaf = LoadCert(out + ".crt");
  PkeyPtr key = LoadKey(out + ".key");
  ASSERT_NE(leaf, nullptr);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(Mode(out + ".key"), 0600u);
  EXPECT_EQ(X509_check_private_key(leaf.get(), key.get()), 1);
  EXPECT_TRUE(EVP_PKEY_is_a(key.get(), "EC"));
  EXPECT_EQ(VerifyAt(ca.get(), leaf.get(), kNow, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(VerifyAt(ca.get(), leaf.get(), kNow, X509_PURPOSE_SSL_CLIENT), X509_V_OK);

  UNGGUL_ASSERT_OK_AND_ASSIGN(CertInfo info, InspectCertificateFile(out + ".crt"));
  EXPECT_THAT(info.uris, ElementsAre(issued.uri));
  EXPECT_THAT(info.dns, ElementsAre("localhost", "upt-lahat.sumsel.test"));
  EXPECT_THAT(info.ips, ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(SanCount(leaf.get()), 5);  // nothing else
  EXPECT_EQ(info.subject_cn, "SMS-LP-LAHAT");
  EXPECT_EQ(info.not_before, kNow - kNotBeforeBackdate);
  EXPECT_EQ(info.not_after, issued.not_after);
  EXPECT_EQ(Ekus(leaf.get()), (std::set<int>{NID_server_auth, NID_client_auth}));
  EXPECT_EQ(X509_check_ca(leaf.get()), 0);
  EXPECT_TRUE(IsCritical(leaf.get(), NID_basic_constraints));
  EXPECT_TRUE(IsCritical(leaf.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(leaf.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  ASSERT_NE(X509_get0_authority_key_id(leaf.get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf.get()),
                                  X509_get0_subject_key_id(ca.get())),
            0);
}

TEST_F(PkiTest, AggregatorIsServerAndClientUserIsClientOnly) {
  X509Ptr ca = LoadCert(CaFile(kCaCertFile));
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      Issued agg, Issue(ca_dir_, Request(PeerId::Kind::kAggregator, ""), kNow, Path("agg")));
  EXPECT_EQ(agg.uri, "spiffe://unggul/kanwil/SUMSEL/aggregator");
  X509Ptr agg_cert = LoadCert(Path("agg.crt"));
  EXPECT_EQ(Ekus(agg_cert.get()), (std::set<int>{NID_server_auth, NID_client_auth}));
  EXPECT_EQ(VerifyAt(ca.get(), agg_cert.get(), kNow, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  UNGGUL_ASSERT_OK_AND_ASSIGN(CertInfo agg_info, InspectCertificateFile(Path("agg.crt")));
  EXPECT_EQ(agg_info.subject_cn, "aggregator");

  UNGGUL_ASSERT_OK_AND_ASSIGN(
      Issued user,
      Issue(ca_dir_, Request(PeerId::Kind::kUser, "kabid.yanbin"), kNow, Path("kabid")));
  EXPECT_EQ(user.uri, "spiffe://unggul/kanwil/SUMSEL/user/kabid.yanbin");
  X509Ptr user_cert = LoadCert(Path("kabid.crt"));
  EXPECT_EQ(Ekus(user_cert.get()), (std::set<int>{NID_client_auth}));
  EXPECT_EQ(SanCount(user_cert.get()), 1);
  EXPECT_EQ(VerifyAt(ca.get(), user_cert.get(), kNow, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  EXPECT_EQ(VerifyAt(ca.get(), user_cert.get(), kNow, X509_PURPOSE_SSL_SERVER),
            X509_V_ERR_INVALID_PURPOSE);
}

TEST_F(PkiTest, CertificateOfAnotherCaFailsVerification) {
  // Same Kanwil, so the same issuer name: only the signature tells them apart.
  const std::string other = Path("other-ca");
  UNGGUL_ASSERT_OK(CreateCa(other, "SUMSEL", kNow, Days(3650)));
  UNGGUL_ASSERT_OK(Issue(other, NodeRequest(), kNow, Path("rogue")).status());
  X509Ptr ca = LoadCert(CaFile(kCaCertFile));
  X509Ptr rogue = LoadCert(Path("rogue.crt"));
  ASSERT_NE(rogue, nullptr);
  EXPECT_NE(VerifyAt(ca.get(), rogue.get(), kNow, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
}

TEST_F(PkiTest, VerificationFailsOutsideTheValidity) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(Issued issued, Issue(ca_dir_, NodeRequest(), kNow, Path("n")));
  X509Ptr ca = LoadCert(CaFile(kCaCertFile));
  X509Ptr leaf = LoadCert(Path("n.crt"));
  EXPECT_EQ(
      VerifyAt(ca.get(), leaf.get(), issued.not_after - absl::Seconds(1), X509_PURPOSE_SSL_CLIENT),
      X509_V_OK);
  EXPECT_EQ(
      VerifyAt(ca.get(), leaf.get(), issued.not_after + absl::Seconds(1), X509_PURPOSE_SSL_CLIENT),
      X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(VerifyAt(ca.get(), leaf.get(), kNow - absl::Hours(1), X509_PURPOSE_SSL_CLIENT),
            X509_V_ERR_CERT_NOT_YET_VALID);
}

TEST_F(PkiTest, KanwilOfAnotherCaIsFailedPrecondition) {
  IssueRequest r = NodeRequest();
  r.id.kanwil = "JAMBI";
  EXPECT_THAT(Issue(ca_dir_, r, kNow, Path("jambi")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("kanwil:")));
  EXPECT_EQ(Mode(Path("jambi.crt")), 0u);
  EXPECT_EQ(Mode(Path("jambi.key")), 0u);
}

TEST_F(PkiTest, IssueRejectsMalformedRequests) {
  struct Case {
    IssueRequest request;
    std::string message;
  };
  std::vector<Case> cases;
  cases.push_back({NodeRequest(), "validity:"});
  cases.back().request.validity = absl::Minutes(59);
  cases.push_back({NodeRequest(), "validity:"});
  cases.back().request.validity = Days(826);
  cases.push_back({NodeRequest(), "dns_names:"});
  cases.back().request.dns_names = {"bad_name"};
  cases.push_back({NodeRequest(), "dns_names:"});
  cases.back().request.dns_names = {"*.sumsel.test"};
  cases.push_back({NodeRequest(), "IP addresses go in ip_addresses"});
  cases.back().request.dns_names = {"127.0.0.1"};
  cases.push_back({NodeRequest(), "dns_names: must not repeat"});
  cases.back().request.dns_names = {"localhost", "LOCALHOST"};
  cases.push_back({NodeRequest(), "ip_addresses:"});
  cases.back().request.ip_addresses = {"300.1.1.1"};
  cases.push_back({NodeRequest(), "ip_addresses: must not repeat"});
  cases.back().request.ip_addresses = {"::1", "0:0:0:0:0:0:0:1"};
  cases.push_back({Request(PeerId::Kind::kUpt, "lahat"), "upt:"});
  cases.push_back({Request(PeerId::Kind::kAggregator, "x"), "name:"});
  for (const Case& c : cases) {
    EXPECT_THAT(Issue(ca_dir_, c.request, kNow, Path("bad")),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.message;
  }
  EXPECT_THAT(Issue(ca_dir_, NodeRequest(), kNow, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("out_prefix:")));
  EXPECT_EQ(Mode(Path("bad.crt")), 0u);
}

TEST_F(PkiTest, ValidityBoundsAreInclusive) {
  IssueRequest r = NodeRequest();
  r.validity = kMinLeafValidity;
  UNGGUL_EXPECT_OK(Issue(ca_dir_, r, kNow, Path("short")).status());
  r.validity = kMaxLeafValidity;
  UNGGUL_EXPECT_OK(Issue(ca_dir_, r, kNow, Path("long")).status());
}

TEST_F(PkiTest, LeafOutlivingTheCaIsFailedPrecondition) {
  const std::string short_ca = Path("short-ca");
  UNGGUL_ASSERT_OK(CreateCa(short_ca, "SUMSEL", kNow, Days(30)));
  EXPECT_THAT(Issue(short_ca, NodeRequest(), kNow, Path("n")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("validity:")));
}

TEST_F(PkiTest, MissingCaIsNotFound) {
  EXPECT_THAT(Issue(Path("nowhere"), NodeRequest(), kNow, Path("n")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nowhere")));
  EXPECT_THAT(ListIssued(Path("nowhere")), StatusIs(absl::StatusCode::kNotFound));
}

// ---- Revocation ----

TEST_F(PkiTest, RevokeBySerialAndByPathIsIdempotentAndSignsTheCrl) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(Issued node, Issue(ca_dir_, NodeRequest(), kNow, Path("node")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      Issued user,
      Issue(ca_dir_, Request(PeerId::Kind::kUser, "kabid.yanbin"), kNow, Path("user")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      Issued agg, Issue(ca_dir_, Request(PeerId::Kind::kAggregator, ""), kNow, Path("agg")));

  const absl::Time t1 = kNow + absl::Hours(1);
  const absl::Time t2 = kNow + absl::Hours(2);
  // By serial, in another spelling than the canonical one; then again.
  UNGGUL_ASSERT_OK(Revoke(ca_dir_, absl::AsciiStrToUpper(node.serial_hex), t1, "key lost"));
  UNGGUL_ASSERT_OK(Revoke(ca_dir_, node.serial_hex, t2, "again"));
  // By certificate path; then again.
  UNGGUL_ASSERT_OK(Revoke(ca_dir_, Path("user.crt"), t2, "left the job"));
  UNGGUL_ASSERT_OK(Revoke(ca_dir_, Path("user.crt"), t2, ""));

  EXPECT_THAT(
      Lines(ReadText(CaFile(kRevokedFile))),
      ElementsAre(absl::StrCat(node.serial_hex, "\t", absl::ToUnixSeconds(t1), "\tkey lost"),
                  absl::StrCat(user.serial_hex, "\t", absl::ToUnixSeconds(t2), "\tleft the job")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::set<std::string> revoked,
                              ReadRevokedSerials(CaFile(kRevokedFile)));
  EXPECT_THAT(revoked, UnorderedElementsAre(node.serial_hex, user.serial_hex));

  X509Ptr ca = LoadCert(CaFile(kCaCertFile));
  CrlPtr crl = LoadCrl(CaFile(kCrlFile));
  ASSERT_NE(crl, nullptr);
  EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.get())), 1);
  EXPECT_EQ(X509_CRL_get_version(crl.get()), X509_CRL_VERSION_2);
  EXPECT_EQ(TimeOf(X509_CRL_get0_lastUpdate(crl.get())), t2);
  EXPECT_EQ(TimeOf(X509_CRL_get0_nextUpdate(crl.get())), t2 + Days(30));
  std::vector<std::string> crl_serials;
  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
    const X509_REVOKED* entry = sk_X509_REVOKED_value(entries, i);
    crl_serials.push_back(SerialOf(X509_REVOKED_get0_serialNumber(entry)));
    if (crl_serials.back() == node.serial_hex) {
      EXPECT_EQ(TimeOf(X509_REVOKED_get0_revocationDate(entry)), t1);
    }
  }
  EXPECT_THAT(crl_serials, UnorderedElementsAre(node.serial_hex, user.serial_hex));
  // The signing counter: 3 certificates and 4 CRLs; the last CRL carries its value.
  EXPECT_EQ(ReadText(CaFile(kSerialFile)), "7\n");
  Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr)));
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(ASN1_INTEGER_get(number.get()), 7);

  // What a TLS peer checking the CRL sees.
  const absl::Time t3 = kNow + absl::Hours(3);
  X509Ptr node_cert = LoadCert(Path("node.crt"));
  X509Ptr agg_cert = LoadCert(Path("agg.crt"));
  EXPECT_EQ(VerifyAt(ca.get(), node_cert.get(), t3, X509_PURPOSE_SSL_CLIENT, crl.get()),
            X509_V_ERR_CERT_REVOKED);
  EXPECT_EQ(VerifyAt(ca.get(), agg_cert.get(), t3, X509_PURPOSE_SSL_CLIENT, crl.get()), X509_V_OK);
  EXPECT_EQ(revoked.count(agg.serial_hex), 0u);
}

TEST_F(PkiTest, RevokeRejectsUnknownSerialsAndForeignCertificates) {
  UNGGUL_ASSERT_OK(Issue(ca_dir_, NodeRequest(), kNow, Path("node")).status());
  const std::string other = Path("other-ca");
  UNGGUL_ASSERT_OK(CreateCa(other, "SUMSEL", kNow, Days(3650)));
  UNGGUL_ASSERT_OK(Issue(other, NodeRequest(), kNow, Path("rogue")).status());

  EXPECT_THAT(Revoke(ca_dir_, "abcdef", kNow, ""),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("serial abcdef")));
  EXPECT_THAT(Revoke(ca_dir_, Path("rogue.crt"), kNow, ""),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("rogue.crt")));
  EXPECT_THAT(Revoke(ca_dir_, Path("missing.crt"), kNow, ""),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing.crt")));
  EXPECT_THAT(Revoke(ca_dir_, "xyz", kNow, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("serial:")));
  EXPECT_THAT(Revoke(ca_dir_, Path("node.crt"), kNow, "a\tb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason:")));
  EXPECT_EQ(ReadText(CaFile(kRevokedFile)), "");
  EXPECT_EQ(Mode(CaFile(kCrlFile)), 0u);
}

TEST(RevokedSerialsTest, MissingFileIsEmptyAndMalformedLineIsDataLoss) {
  ScopedTempDir tmp;
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::set<std::string> none,
                              ReadRevokedSerials(tmp.path() + "/revoked.txt"));
  EXPECT_THAT(none, IsEmpty());
  const std::string path = tmp.path() + "/bad.txt";
  std::ofstream(path) << "abc\t1\tok\n00AB\t2\tnot canonical\n";
  EXPECT_THAT(ReadRevokedSerials(path),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("bad.txt:2: serial:")));
}

// ---- Inspection and the index ----

TEST_F(PkiTest, InspectReturnsTheCanonicalSerialIssueReturned) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(Issued issued, Issue(ca_dir_, NodeRequest(), kNow, Path("node")));
  // As gRPC hands it over: the peer's PEM; a chain after it changes nothing.
  const std::string pem = ReadText(Path("node.crt")) + ReadText(CaFile(kCaCertFile));
  UNGGUL_ASSERT_OK_AND_ASSIGN(CertInfo info, InspectCertificatePem(pem));
  EXPECT_EQ(info.serial_hex, issued.serial_hex);
  EXPECT_THAT(info.uris, ElementsAre(issued.uri));
  X509Ptr leaf = LoadCert(Path("node.crt"));
  EXPECT_EQ(SerialOf(X509_get0_serialNumber(leaf.get())), issued.serial_hex);

  EXPECT_THAT(InspectCertificatePem("not a certificate"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("certificate:")));
  EXPECT_THAT(InspectCertificateFile(Path("missing.crt")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing.crt")));
}

TEST_F(PkiTest, ListIssuedKeepsTheIndexInOrder) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<CertInfo> empty, ListIssued(ca_dir_));
  EXPECT_THAT(empty, IsEmpty());

  UNGGUL_ASSERT_OK_AND_ASSIGN(Issued node, Issue(ca_dir_, NodeRequest(), kNow, Path("node")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(Issued user, Issue(ca_dir_, Request(PeerId::Kind::kUser, "op.lahat"),
                                                 kNow + absl::Hours(1), Path("user")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<CertInfo> list, ListIssued(ca_dir_));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].serial_hex, node.serial_hex);
  EXPECT_THAT(list[0].uris, ElementsAre(node.uri));
  EXPECT_THAT(list[0].dns, ElementsAre("localhost", "upt-lahat.sumsel.test"));
  EXPECT_THAT(list[0].ips, ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(list[0].not_before, kNow - kNotBeforeBackdate);
  EXPECT_EQ(list[0].not_after, node.not_after);
  EXPECT_EQ(list[0].subject_cn, "SMS-LP-LAHAT");
  EXPECT_EQ(list[1].serial_hex, user.serial_hex);
  EXPECT_THAT(list[1].uris, ElementsAre("spiffe://unggul/kanwil/SUMSEL/user/op.lahat"));
  EXPECT_THAT(list[1].dns, IsEmpty());
  EXPECT_THAT(list[1].ips, IsEmpty());
  EXPECT_EQ(list[1].not_after, user.not_after);
  EXPECT_EQ(list[1].subject_cn, "op.lahat");
  // The index names where each certificate was written.
  const std::vector<std::string> lines = Lines(ReadText(CaFile(kIssuedFile)));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr(Path("node.crt")));
}

}  // namespace
}  // namespace unggul::pki
