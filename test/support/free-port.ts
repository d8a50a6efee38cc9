// One picker for every test that must name a server's port before it binds (see freePort).
export { freePort } from '../../plugins/transport-tcp/free-port';
