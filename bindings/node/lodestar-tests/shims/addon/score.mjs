// network/peers/score/index.js as the addon offers it.
import {createRequire} from "node:module";

const addon = createRequire(import.meta.url)("../../../index.js");
export const {PeerRpcScoreStore, RealScore, PeerAction, ScoreState, updateGossipsubScores, scoreToState} = addon;
