// PeerDAS custody helpers: a port of getCustodyGroups, computeColumnsForCustodyGroup
// and getDataColumns from packages/beacon-node/src/util/dataColumns.ts
// (consensus-specs fulu das-core.md).
//
// Owner: engine pure layers; used by the peer manager (onMetadata, onStatus).
// SHA-256 comes from OpenSSL's libcrypto. Node ids are 32 bytes big-endian, as
// in TS (NodeId in types.h).
#ifndef PEER_REPLAY_ENGINE_DATA_COLUMNS_H_
#define PEER_REPLAY_ENGINE_DATA_COLUMNS_H_

#include <cassert>
#include <cstdint>
#include <vector>

#include "peers/types.h"

namespace peers {

// False exactly when getCustodyGroups throws
// `Error("Invalid custody group count ${count} > ${NUMBER_OF_CUSTODY_GROUPS}")`.
// A count comes from a peer's metadata (uint64), so callers check it first.
bool is_valid_custody_group_count(const ChainConfig& config, uint64_t custody_group_count);

// getCustodyGroups(config, nodeId, custodyGroupCount): the custody groups of a
// node, sorted ascending. Hashes uint256_le(node_id + i) for i = 0, 1, ...
// (wrapping to 0 after 2^256-1), takes the first 8 digest bytes as a
// little-endian uint64 mod NUMBER_OF_CUSTODY_GROUPS, keeps first occurrences
// until `custody_group_count` groups are found. When the count equals
// NUMBER_OF_CUSTODY_GROUPS it returns 0..N-1 without hashing.
// Precondition (asserted): is_valid_custody_group_count(config, custody_group_count).
std::vector<CustodyIndex> get_custody_groups(const ChainConfig& config, const NodeId& node_id,
                                             uint64_t custody_group_count);

// computeColumnsForCustodyGroup(config, custodyIndex): the columns
// NUMBER_OF_CUSTODY_GROUPS * i + custody_index for i < NUMBER_OF_COLUMNS /
// NUMBER_OF_CUSTODY_GROUPS (a JS division: a fractional quotient rounds the
// loop count up), ascending.
// Precondition (asserted; TS throws): custody_index < NUMBER_OF_CUSTODY_GROUPS.
std::vector<ColumnIndex> compute_columns_for_custody_group(const ChainConfig& config, CustodyIndex custody_index);
// The same columns appended to *out, without a vector per group (callers that
// concatenate several groups and sort the whole, as getDataColumns does).
// Same precondition (asserted here, for every caller).
// Inline: on_status calls it for every custody group of every peer it
// statuses.
inline void append_columns_for_custody_group(const ChainConfig& config, CustodyIndex custody_index,
                                             std::vector<ColumnIndex>* out) {
  // if (custodyIndex >= config.NUMBER_OF_CUSTODY_GROUPS) throw Error(...)
  assert(static_cast<int64_t>(custody_index) < config.number_of_custody_groups);
  assert(config.number_of_columns > 0);
  // Number(NUMBER_OF_COLUMNS / config.NUMBER_OF_CUSTODY_GROUPS): a double.
  const double columns_per_custody_group =
      static_cast<double>(config.number_of_columns) / static_cast<double>(config.number_of_custody_groups);
  for (int64_t i = 0; static_cast<double>(i) < columns_per_custody_group; i++) {
    out->push_back(static_cast<ColumnIndex>(config.number_of_custody_groups * i + custody_index));
  }
}

// getDataColumns(config, nodeId, custodyGroupCount): the columns of every
// custody group, sorted ascending. Same precondition as get_custody_groups.
std::vector<ColumnIndex> get_data_columns(const ChainConfig& config, const NodeId& node_id,
                                          uint64_t custody_group_count);

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_DATA_COLUMNS_H_
