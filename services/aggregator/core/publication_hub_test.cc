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

TEST(PublicationHubTest, WaitReturnsOnThePublicationOrAtTheDeadline) {
  PublicationHub hub;
  hub.Publish(At(3));
  EXPECT_TRUE(hub.WaitForRevisionAbove(2, absl::ZeroDuration()));  // already there
  EXPECT_FALSE(hub.WaitForRevisionAbove(3, absl::Milliseconds(1)));
  std::thread publisher([&] { hub.Publish(At(4)); });
  EXPECT_TRUE(hub.WaitForRevisionAbove(3, absl::Seconds(60)));  // woken by the publication
  publisher.join();
}

}  // namespace
}  // namespace unggul::aggregator
