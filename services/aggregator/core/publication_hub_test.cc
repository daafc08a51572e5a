#include "services/aggregator/core/publication_hub.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace unggul::aggregator {
namespace {

kanwil::v1::Publication At(uint64_t revision) {
  kanwil::v1::Publication p;
  p.set_revision(revision);
  return p;
}

TEST(PublicationHubTest, FansOutToLiveListenersOnly) {
  PublicationHub hub;
  std::vector<uint64_t> a;
  std::vector<uint64_t> b;
  const int ha =
      hub.Subscribe([&](const kanwil::v1::Publication& p) { a.push_back(p.revision()); });
  hub.Subscribe([&](const kanwil::v1::Publication& p) { b.push_back(p.revision()); });
  hub.Publish(At(1));
  hub.Unsubscribe(ha);
  hub.Publish(At(2));
  EXPECT_EQ(a, (std::vector<uint64_t>{1}));
  EXPECT_EQ(b, (std::vector<uint64_t>{1, 2}));
}

}  // namespace
}  // namespace unggul::aggregator
