import { freePort } from '../support/free-port';
import { udpPeerTransport } from '../../plugins/transport-udp';
import { runPeerTransportConformance } from './conformance';
import { realTimeWorld } from './real-time-world';

// The election half is UDP; the learner half is the TCP transport UDP delegates to.
runPeerTransportConformance('udp elections + tcp learner channel', async () => realTimeWorld(udpPeerTransport(), freePort));
