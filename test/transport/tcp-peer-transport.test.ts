import { freePort } from '../support/free-port';
import { tcpPeerTransport } from '../../plugins/transport-tcp';
import { runPeerTransportConformance } from './conformance';
import { realTimeWorld } from './real-time-world';

runPeerTransportConformance('tcp', async () => realTimeWorld(tcpPeerTransport({ cnxTimeoutMs: 1000 }), freePort));
