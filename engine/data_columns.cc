// Port of the custody helpers of util/dataColumns.ts, statements in the TS order.
#include "engine/data_columns.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cassert>

namespace peers {

namespace {

// SHA-256 of 32-byte ids. OpenSSL 3's one-shot SHA256() looks the algorithm
// up by name on every call (EVP_Q_digest -> EVP_MD_fetch), and EVP_Digest
// allocates and frees a context per call: together more than the hash itself
// on a testnet-like trace. The fetched EVP_MD is immutable, so it is fetched
// once and kept for the process (a constant, not state); the context lives
// for one get_custody_groups call and is reset between digests.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { assert(ctx_ != nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void digest_32(const std::array<uint8_t, 32>& in, std::array<uint8_t, SHA256_DIGEST_LENGTH>& out) {
    static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    assert(kSha256 != nullptr);
    unsigned int length = 0;
    int ok = EVP_DigestInit_ex2(ctx_, kSha256, nullptr);
    ok &= EVP_DigestUpdate(ctx_, in.data(), in.size());
    ok &= EVP_DigestFinal_ex(ctx_, out.data(), &length);
    assert(ok == 1 && length == SHA256_DIGEST_LENGTH);
    (void)ok;
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

bool is_valid_custody_group_count(const ChainConfig& config, uint64_t custody_group_count) {
  assert(config.number_of_custody_groups > 0);
  return custody_group_count <= static_cast<uint64_t>(config.number_of_custody_groups);
}

std::vector<CustodyIndex> get_custody_groups(const ChainConfig& config, const NodeId& node_id,
                                             uint64_t custody_group_count) {
  // if (custodyGroupCount > config.NUMBER_OF_CUSTODY_GROUPS) throw Error(...)
  assert(is_valid_custody_group_count(config, custody_group_count));
  const uint64_t number_of_custody_groups = static_cast<uint64_t>(config.number_of_custody_groups);

  // Skip computation if all groups are custodied
  if (custody_group_count == number_of_custody_groups) {
    std::vector<CustodyIndex> all(number_of_custody_groups);
    for (uint64_t i = 0; i < number_of_custody_groups; i++) all[i] = static_cast<CustodyIndex>(i);
    return all;
  }

  std::vector<CustodyIndex> custody_groups;
  custody_groups.reserve(custody_group_count);
  // nodeId is in big-endian and all computes are in little endian:
  // currentIdBytes = ssz.UintBn256.serialize(bytesToBigInt(nodeId, "be")).
  std::array<uint8_t, 32> current_id_bytes{};
  for (size_t i = 0; i < 32; i++) current_id_bytes[i] = node_id[31 - i];
  Sha256 sha256;
  while (custody_groups.size() < custody_group_count) {
    std::array<uint8_t, SHA256_DIGEST_LENGTH> digest{};
    sha256.digest_32(current_id_bytes, digest);
    // ssz.UintBn64.deserialize(digest.slice(0, 8)) % BigInt(NUMBER_OF_CUSTODY_GROUPS)
    uint64_t first8_le = 0;
    for (int i = 7; i >= 0; i--) first8_le = (first8_le << 8) | digest[static_cast<size_t>(i)];
    const auto custody_group = static_cast<CustodyIndex>(first8_le % number_of_custody_groups);

    if (std::find(custody_groups.begin(), custody_groups.end(), custody_group) == custody_groups.end()) {
      custody_groups.push_back(custody_group);
    }

    // willOverflow (every byte 0xff) ? currentId = 0 : currentId++. A
    // little-endian increment with carry gives both.
    for (uint8_t& byte : current_id_bytes) {
      byte = static_cast<uint8_t>(byte + 1);
      if (byte != 0) break;
    }
  }

  std::sort(custody_groups.begin(), custody_groups.end());  // sort((a, b) => a - b)
  return custody_groups;
}

std::vector<ColumnIndex> compute_columns_for_custody_group(const ChainConfig& config, CustodyIndex custody_index) {
  std::vector<ColumnIndex> column_indexes;
  append_columns_for_custody_group(config, custody_index, &column_indexes);
  std::sort(column_indexes.begin(), column_indexes.end());
  return column_indexes;
}

std::vector<ColumnIndex> get_data_columns(const ChainConfig& config, const NodeId& node_id,
                                          uint64_t custody_group_count) {
  // The groups' columns, concatenated and sorted: the per-group sort of
  // computeColumnsForCustodyGroup cannot change the result, so each group's
  // columns are appended straight into one vector.
  std::vector<ColumnIndex> columns;
  for (CustodyIndex custody_index : get_custody_groups(config, node_id, custody_group_count)) {
    append_columns_for_custody_group(config, custody_index, &columns);
  }
  std::sort(columns.begin(), columns.end());
  return columns;
}

}  // namespace peers
