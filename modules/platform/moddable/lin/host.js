// Bindings of host.c (ours); typed by types/moddable/lin-host.d.ts.
function getEnv(name) @ "xs_oxs_lin_getenv";
function mkdirs(path) @ "xs_oxs_lin_mkdirs";
function readFile(path) @ "xs_oxs_lin_read_file";
function readJsonMember(path, outer, inner) @ "xs_oxs_lin_read_json_member";
function writeFileAtomic(path, data) @ "xs_oxs_lin_write_file_atomic";
function openBlock(path, size) @ "xs_oxs_lin_open_block";
function readBlock(fd, buffer, start, length, offset) @ "xs_oxs_lin_read_block";
function writeBlock(fd, buffer, start, length, offset) @ "xs_oxs_lin_write_block";
function programBlock(fd, buffer, start, length, offset) @ "xs_oxs_lin_program_block";
function eraseBlock(fd, offset, length) @ "xs_oxs_lin_erase_block";
function memory(collect) @ "xs_oxs_lin_memory";
function resetPeaks() @ "xs_oxs_lin_reset_peaks";
function census() @ "xs_oxs_lin_census";
function chunkCensus() @ "xs_oxs_lin_chunk_census";
function stackProbe(where) @ "xs_oxs_lin_stack_probe";
function exit(code) @ "xs_oxs_lin_exit";
function listenLoopback(port) @ "xs_oxs_lin_listen_loopback";
function acceptConnection(listener) @ "xs_oxs_lin_accept";
function receive(fd, buffer, start, length) @ "xs_oxs_lin_receive";
function sendSome(fd, buffer, start, length) @ "xs_oxs_lin_send";
function closeSocket(fd) @ "xs_oxs_lin_close_socket";

export {
  getEnv,
  mkdirs,
  readFile,
  readJsonMember,
  writeFileAtomic,
  openBlock,
  readBlock,
  writeBlock,
  programBlock,
  eraseBlock,
  memory,
  resetPeaks,
  census,
  chunkCensus,
  stackProbe,
  exit,
  listenLoopback,
  acceptConnection,
  receive,
  sendSome,
  closeSocket,
};
