/*
 * Native helpers of the lin build (ours): the process environment, whole-file
 * reads and atomic replacement, positioned block writes for file-backed flash
 * partitions, the process exit that a reboot or a power cut maps to, and a
 * TCP listener bound to 127.0.0.1 only for the bench link's listen mode.
 * The SDK's lin `preference` does not persist when preloaded and it has no
 * `flash` module: platform/moddable/lin/* build our ports on these.
 */
#include "xsAll.h"
#include "xsmc.h"
#include "xsHost.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define kPathMax 1024

static void copyPath(xsMachine *the, xsSlot *slot, char *path)
{
	const char *text = xsmcToString(*slot);
	size_t length = strlen(text);
	if (length == 0 || length >= kPathMax)
		xsRangeError("bad path");
	memcpy(path, text, length + 1);
}

void xs_oxs_lin_getenv(xsMachine *the)
{
	char name[128];
	const char *text = xsmcToString(xsArg(0));
	size_t length = strlen(text);
	if (length == 0 || length >= sizeof(name))
		xsRangeError("bad name");
	memcpy(name, text, length + 1);
	const char *value = getenv(name);
	if (value)
		xsmcSetString(xsResult, (char *)value);
}

void xs_oxs_lin_mkdirs(xsMachine *the)
{
	char path[kPathMax];
	copyPath(the, &xsArg(0), path);
	for (char *p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(path, 0755) && errno != EEXIST)
				xsUnknownError("mkdir %s: %s", path, strerror(errno));
			*p = '/';
		}
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		xsUnknownError("mkdir %s: %s", path, strerror(errno));
}

/* The whole file as an ArrayBuffer; undefined when it does not exist. */
/* Opens `path` to read it whole: its descriptor and size, or -1 when it does not exist; throws otherwise. */
static int openWhole(xsMachine *the, const char *path, size_t *size)
{
	struct stat info;
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		xsUnknownError("open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &info)) {
		close(fd);
		xsUnknownError("stat %s: %s", path, strerror(errno));
	}
	*size = (size_t)info.st_size;
	return fd;
}

/* Reads up to `size` bytes into `data`; the count read (less at the end of the file). */
static size_t readUpTo(int fd, void *data, size_t size)
{
	size_t done = 0;
	while (done < size) {
		ssize_t count = read(fd, (uint8_t *)data + done, size - done);
		if (count < 0 && errno == EINTR)
			continue;
		if (count <= 0)
			break;
		done += (size_t)count;
	}
	return done;
}

/*
 * readJsonMember(path, outer, inner): the JSON text of file[outer][inner] (of file[outer] when
 * `inner` is undefined), undefined when the file or the member is not there; throws when the file
 * is not a JSON object. The lin NVS (kv-file.ts) keeps every namespace in one JSON file: reading one
 * key this way leaves the XS heap one short string, where parsing the whole file left hundreds of
 * slots of garbage per read (the board's NVS leaves none; docs/memory.md, collections during boot).
 * Names are compared byte for byte with the raw JSON key (NVS names have no escapes).
 */
typedef struct { const char *at; const char *end; } oxsJson;

static void jsonSpace(oxsJson *json)
{
	while (json->at < json->end && (*json->at == ' ' || *json->at == '\t' || *json->at == '\n' || *json->at == '\r')) json->at++;
}

/* Skips a string at `at` (on its opening quote); 0 when it does not end. */
static int jsonSkipString(oxsJson *json)
{
	json->at++;
	while (json->at < json->end) {
		char c = *json->at++;
		if (c == '\\') {
			if (json->at >= json->end) return 0;
			json->at++;
		}
		else if (c == '"')
			return 1;
	}
	return 0;
}

/* Skips one value; 0 when it is malformed or does not end. */
static int jsonSkipValue(oxsJson *json)
{
	jsonSpace(json);
	if (json->at >= json->end) return 0;
	if (*json->at == '"') return jsonSkipString(json);
	if (*json->at == '{' || *json->at == '[') {
		int depth = 0;
		while (json->at < json->end) {
			char c = *json->at;
			if (c == '"') {
				if (!jsonSkipString(json)) return 0;
				continue;
			}
			json->at++;
			if (c == '{' || c == '[') depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0) return 1;
			}
		}
		return 0;
	}
	const char *start = json->at;
	while (json->at < json->end && *json->at != ',' && *json->at != '}' && *json->at != ']' && *json->at != ' ' && *json->at != '\n' && *json->at != '\r' && *json->at != '\t') json->at++;
	return json->at > start;
}

/* Finds member `name` of the object at `at`: 1 with `at` on its value, 0 when absent, -1 when malformed. */
static int jsonFindMember(oxsJson *json, const char *name)
{
	size_t nameLength = strlen(name);
	jsonSpace(json);
	if (json->at >= json->end || *json->at != '{') return -1;
	json->at++;
	jsonSpace(json);
	if (json->at < json->end && *json->at == '}') return 0;
	while (json->at < json->end) {
		jsonSpace(json);
		if (json->at >= json->end || *json->at != '"') return -1;
		const char *key = json->at + 1;
		if (!jsonSkipString(json)) return -1;
		size_t keyLength = (size_t)(json->at - 1 - key);
		jsonSpace(json);
		if (json->at >= json->end || *json->at != ':') return -1;
		json->at++;
		jsonSpace(json);
		if (keyLength == nameLength && memcmp(key, name, nameLength) == 0) return 1;
		if (!jsonSkipValue(json)) return -1;
		jsonSpace(json);
		if (json->at < json->end && *json->at == ',') {
			json->at++;
			continue;
		}
		if (json->at < json->end && *json->at == '}') return 0;
		return -1;
	}
	return -1;
}

void xs_oxs_lin_read_json_member(xsMachine *the)
{
	char path[kPathMax];
	char outer[64], inner[64];
	size_t size;
	int hasInner = xsmcArgc > 2 && xsmcTypeOf(xsArg(2)) != xsUndefinedType;
	copyPath(the, &xsArg(0), path);
	snprintf(outer, sizeof(outer), "%s", xsmcToString(xsArg(1)));
	if (hasInner) snprintf(inner, sizeof(inner), "%s", xsmcToString(xsArg(2)));
	int fd = openWhole(the, path, &size);
	if (fd < 0)
		return;
	char *text = malloc(size + 1);
	if (!text) {
		close(fd);
		xsUnknownError("no memory for %s", path);
	}
	size_t done = readUpTo(fd, text, size);
	close(fd);
	oxsJson json = { text, text + done };
	int found = jsonFindMember(&json, outer);
	if (found == 1 && hasInner) found = jsonFindMember(&json, inner);
	const char *start = json.at;
	if (found == 1 && !jsonSkipValue(&json)) found = -1;
	if (found < 0) {
		free(text);
		xsSyntaxError("%s is not a JSON object of objects", path);
	}
	if (found == 1) {
		xsTry {
			xsmcSetStringBuffer(xsResult, (char *)start, (txSize)(json.at - start));
		}
		xsCatch {
			free(text);
			xsThrow(xsException);
		}
	}
	free(text);
}

void xs_oxs_lin_read_file(xsMachine *the)
{
	char path[kPathMax];
	size_t size;
	copyPath(the, &xsArg(0), path);
	int fd = openWhole(the, path, &size);
	if (fd < 0)
		return;
	xsTry {
		xsmcSetArrayBuffer(xsResult, NULL, size);
	}
	xsCatch {
		close(fd);
		xsThrow(xsException);
	}
	uint8_t *data = xsmcToArrayBuffer(xsResult); /* no XS allocation below: the pointer stays valid */
	size_t done = readUpTo(fd, data, size);
	close(fd);
	if (done != size)
		xsUnknownError("read %s: short read", path);
}

static void writeAll(xsMachine *the, int fd, const uint8_t *data, size_t size, off_t offset, const char *path)
{
	size_t done = 0;
	while (done < size) {
		ssize_t count = pwrite(fd, data + done, size - done, offset + done);
		if (count < 0 && errno == EINTR)
			continue;
		if (count <= 0)
			xsUnknownError("write %s: %s", path, strerror(errno));
		done += (size_t)count;
	}
}

/* Replaces a file by a string or ArrayBuffer: written beside it, then renamed over it (atomic). */
void xs_oxs_lin_write_file_atomic(xsMachine *the)
{
	char path[kPathMax + 8];
	char temporary[kPathMax + 8];
	copyPath(the, &xsArg(0), path);
	snprintf(temporary, sizeof(temporary), "%s.tmp", path);
	int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		xsUnknownError("open %s: %s", temporary, strerror(errno));
	const uint8_t *data;
	size_t size;
	if (xsmcTypeOf(xsArg(1)) == xsStringType) {
		data = (const uint8_t *)xsmcToString(xsArg(1));
		size = strlen((const char *)data);
	}
	else {
		size = xsmcGetArrayBufferLength(xsArg(1));
		data = xsmcToArrayBuffer(xsArg(1));
	}
	xsTry {
		writeAll(the, fd, data, size, 0, temporary);
	}
	xsCatch {
		close(fd);
		xsThrow(xsException);
	}
	fsync(fd);
	close(fd);
	if (rename(temporary, path))
		xsUnknownError("rename %s: %s", path, strerror(errno));
}

/* Opens (creating, 0xFF-filled, when missing or of another size) a block file of `size` bytes; returns its descriptor. */
void xs_oxs_lin_open_block(xsMachine *the)
{
	char path[kPathMax];
	struct stat info;
	copyPath(the, &xsArg(0), path);
	int size = xsmcToInteger(xsArg(1));
	if (size <= 0)
		xsRangeError("bad size");
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		xsUnknownError("open %s: %s", path, strerror(errno));
	if (fstat(fd, &info) || info.st_size != size) {
		uint8_t erased[4096];
		memset(erased, 0xFF, sizeof(erased));
		if (ftruncate(fd, 0)) {
			close(fd);
			xsUnknownError("truncate %s: %s", path, strerror(errno));
		}
		for (int offset = 0; offset < size; offset += sizeof(erased)) {
			int count = size - offset < (int)sizeof(erased) ? size - offset : (int)sizeof(erased);
			writeAll(the, fd, erased, count, offset, path);
		}
		fsync(fd);
	}
	xsmcSetInteger(xsResult, fd);
}

/*
 * The (fd, buffer, start, length[, offset]) arguments of the block and socket natives: checks that
 * buffer[start..start+length) lies in the buffer, that length is at least `minimum` and that the
 * file offset (when `withOffset`) is not negative. Returns start; the buffer is read by the caller
 * where it uses it.
 */
static int blockArguments(xsMachine *the, int *length, int minimum, int withOffset, int *offset)
{
	int start = xsmcToInteger(xsArg(2));
	*length = xsmcToInteger(xsArg(3));
	*offset = withOffset ? xsmcToInteger(xsArg(4)) : 0;
	if (start < 0 || *length < minimum || *offset < 0 || start + *length > (int)xsmcGetArrayBufferLength(xsArg(1)))
		xsRangeError("bad range");
	return start;
}

/* readBlock(fd, buffer, start, length, offset): file bytes at `offset` into buffer[start..start+length). */
void xs_oxs_lin_read_block(xsMachine *the)
{
	int fd = xsmcToInteger(xsArg(0));
	int length, offset;
	int start = blockArguments(the, &length, 0, 1, &offset);
	uint8_t *data = xsmcToArrayBuffer(xsArg(1));
	int done = 0;
	while (done < length) {
		ssize_t count = pread(fd, data + start + done, length - done, offset + done);
		if (count < 0 && errno == EINTR)
			continue;
		if (count <= 0)
			xsUnknownError("read block: %s", count < 0 ? strerror(errno) : "end of file");
		done += (int)count;
	}
}

/*
 * stackProbe(): where the XS stack is deepest. Returns the depth at the call, in slots; when
 * it is the deepest yet and OXS_STACK_PROBE names a file, appends the call chain there (frame
 * names with the depth of each). Also called from the block writes and the socket send below.
 * For finding what to flatten (docs/memory.md), not for the figures.
 */
static int32_t oxsDeepestProbe = 0;
static FILE *oxsProbeFile = NULL;
static int oxsProbeChecked = 0;

static void oxsStackProbe(xsMachine *the, const char *where)
{
	txMachine *machine = (txMachine *)the;
	if (!oxsProbeChecked) {
		const char *path = getenv("OXS_STACK_PROBE");
		oxsProbeChecked = 1;
		if (path && *path)
			oxsProbeFile = fopen(path, "a");
	}
	int32_t depth = (int32_t)(machine->stackTop - machine->stack);
	if (!oxsProbeFile)
		return;
#ifdef mxInstrument
	{
		static int32_t deepestPeak = 0;
		static char lastWhere[64] = "start";
		int32_t peak = (int32_t)(machine->stackTop - machine->stackPeak);
		if (peak > deepestPeak) {
			deepestPeak = peak;
			fprintf(oxsProbeFile, "stack peak rose to %d slots between the probes at %s and %s (depth %d)\n", (int)peak, lastWhere, where, (int)depth);
			for (txSlot *frame = machine->frame; frame; frame = frame->next) {
				char name[128];
				name[0] = 0;
				fxBufferFrameName(machine, name, sizeof(name), frame, "");
				fprintf(oxsProbeFile, "  %5d %s\n", (int)(machine->stackTop - frame), name);
			}
		}
		snprintf(lastWhere, sizeof(lastWhere), "%s", where);
	}
#endif
	if (depth <= oxsDeepestProbe)
		return;
	oxsDeepestProbe = depth;
	fprintf(oxsProbeFile, "stack probe: %d slots at %s\n", (int)depth, where);
	for (txSlot *frame = machine->frame; frame; frame = frame->next) {
		char name[128];
		name[0] = 0;
		fxBufferFrameName(machine, name, sizeof(name), frame, "");
		fprintf(oxsProbeFile, "  %5d %s\n", (int)(machine->stackTop - frame), name);
	}
	fflush(oxsProbeFile);
}

void xs_oxs_lin_stack_probe(xsMachine *the)
{
	oxsStackProbe(the, xsmcArgc > 0 ? xsmcToString(xsArg(0)) : "?");
	xsmcSetInteger(xsResult, (int32_t)(((txMachine *)the)->stackTop - ((txMachine *)the)->stack));
}

/* writeBlock(fd, buffer, start, length, offset): buffer[start..start+length) to the file at `offset`. */
void xs_oxs_lin_write_block(xsMachine *the)
{
	oxsStackProbe(the, "writeBlock");
	int fd = xsmcToInteger(xsArg(0));
	int length, offset;
	int start = blockArguments(the, &length, 0, 1, &offset);
	writeAll(the, fd, (uint8_t *)xsmcToArrayBuffer(xsArg(1)) + start, length, offset, "block");
}

/* programBlock(fd, buffer, start, length, offset): NOR programming, the file's bytes become old AND new. */
void xs_oxs_lin_program_block(xsMachine *the)
{
	oxsStackProbe(the, "programBlock");
	int fd = xsmcToInteger(xsArg(0));
	int length, offset;
	int start = blockArguments(the, &length, 0, 1, &offset);
	uint8_t cells[256];
	for (int done = 0; done < length; done += sizeof(cells)) {
		int count = length - done < (int)sizeof(cells) ? length - done : (int)sizeof(cells);
		if (pread(fd, cells, count, offset + done) != count)
			xsUnknownError("program block: read failed");
		const uint8_t *bytes = (const uint8_t *)xsmcToArrayBuffer(xsArg(1)) + start + done;
		for (int i = 0; i < count; i++)
			cells[i] &= bytes[i];
		writeAll(the, fd, cells, count, offset + done, "block");
	}
}

/* eraseBlock(fd, offset, length): the range becomes 0xFF. */
void xs_oxs_lin_erase_block(xsMachine *the)
{
	int fd = xsmcToInteger(xsArg(0));
	int offset = xsmcToInteger(xsArg(1));
	int length = xsmcToInteger(xsArg(2));
	uint8_t erased[256];
	if (offset < 0 || length < 0)
		xsRangeError("bad range");
	memset(erased, 0xFF, sizeof(erased));
	for (int done = 0; done < length; done += sizeof(erased)) {
		int count = length - done < (int)sizeof(erased) ? length - done : (int)sizeof(erased);
		writeAll(the, fd, erased, count, offset + done, "block");
	}
}

/* xsResult.name = value, through xsVar(0) (the caller made at least one variable). */
static void setResultInteger(xsMachine *the, const char *name, int32_t value)
{
	xsmcSetInteger(xsVar(0), value);
	xsmcSet(xsResult, xsID(name), xsVar(0));
}

/*
 * memory(collect): the XS heaps of this machine, after a full garbage collection when `collect`.
 * Slots and chunk bytes are counted by XS in every build; the collection count and the stack
 * peak only in instrumented builds (mxInstrument), else -1, and under mcsim both since its last
 * instrument sample (it resets them every second): the host sums and maxes those samples instead.
 * `slotSize` is this host's slot size (32 bytes on 64-bit Linux, 16 on the ESP32).
 */
void xs_oxs_lin_memory(xsMachine *the)
{
	if (xsmcTest(xsArg(0)))
		xsCollectGarbage();
	txMachine *machine = (txMachine *)the;
	int32_t slots = (int32_t)machine->currentHeapCount;
	int32_t peakSlots = (int32_t)machine->peakHeapCount;
	int32_t chunk = (int32_t)machine->currentChunksSize;
	int32_t peakChunk = (int32_t)machine->peakChunksSize;
	int32_t heapSlots = (int32_t)machine->maximumHeapCount;
	int32_t stackSlots = (int32_t)(machine->stackTop - machine->stackBottom);
	int32_t collections = -1;
	int32_t stackPeakSlots = -1;
#ifdef mxInstrument
	collections = (int32_t)machine->garbageCollectionCount;
	if (machine->stackPeak > machine->stack)
		machine->stackPeak = machine->stack;
	stackPeakSlots = (int32_t)(machine->stackTop - machine->stackPeak);
#endif
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	setResultInteger(the, "slots", slots);
	setResultInteger(the, "peakSlots", peakSlots);
	setResultInteger(the, "chunkBytes", chunk);
	setResultInteger(the, "peakChunkBytes", peakChunk);
	setResultInteger(the, "heapSlots", heapSlots);
	setResultInteger(the, "stackSlots", stackSlots);
	setResultInteger(the, "stackPeakSlots", stackPeakSlots);
	setResultInteger(the, "collections", collections);
	setResultInteger(the, "slotSize", (int32_t)sizeof(txSlot));
}

/*
 * resetPeaks(): the heap peaks start again from the current use (a session's peak, not boot's).
 * The stack peak is left alone: mcsim's instrument sampling resets it every second after printing
 * it, and those samples are where the host reads it (tools/lin/instrument-lines.ts).
 */
void xs_oxs_lin_reset_peaks(xsMachine *the)
{
	txMachine *machine = (txMachine *)the;
	machine->peakHeapCount = machine->currentHeapCount;
	machine->peakChunksSize = machine->currentChunksSize;
}

/*
 * census(): the live slots after a full collection, by kind and, for objects, by prototype:
 * { kinds: [count per XS slot kind + 1 (index 0 = kind -1)], prototypes: [[name, objects, slots]...] }
 * with an object's slots = itself and its own property chain (private fields included). For
 * finding what the firmware retains (docs/memory.md), not for the figures.
 */
#define OXS_CENSUS_KINDS 64
#define OXS_CENSUS_PROTOTYPES 509
typedef struct { txSlot *prototype; uintptr_t shape; txSlot *sample; int32_t objects; int32_t slots; } oxsCensusEntry;

void xs_oxs_lin_census(xsMachine *the)
{
	static int32_t kinds[OXS_CENSUS_KINDS];
	static oxsCensusEntry entries[OXS_CENSUS_PROTOTYPES];
	txMachine *machine = (txMachine *)the;
	xsCollectGarbage();
	memset(kinds, 0, sizeof(kinds));
	memset(entries, 0, sizeof(entries));
	for (txSlot *heap = machine->firstHeap; heap; heap = heap->next) {
		txSlot *limit = heap->value.reference;
		for (txSlot *slot = heap + 1; slot < limit; slot++) {
			int kind = slot->kind + 1;
			if (kind >= 0 && kind < OXS_CENSUS_KINDS) kinds[kind]++;
			if (slot->kind != XS_INSTANCE_KIND) continue;
			int32_t count = 1;
			for (txSlot *property = slot->next; property; property = property->next) {
				count++;
				if (property->kind == XS_PRIVATE_KIND)
					for (txSlot *field = property->value.private.first; field; field = field->next) count++;
			}
			/* Objects by prototype and first own property (its shape, roughly); functions by their code. */
			txSlot *prototype = slot->value.instance.prototype;
			txSlot *first = slot->next;
			uintptr_t shape = 0;
			if (first && (first->kind == XS_CODE_KIND || first->kind == XS_CODE_X_KIND)) shape = (uintptr_t)first->value.code.address;
			else if (first) shape = (uintptr_t)first->ID + ((uintptr_t)first->kind << 20);
			uintptr_t at = (((uintptr_t)prototype >> 4) ^ (shape * 2654435761u)) % OXS_CENSUS_PROTOTYPES;
			for (int probe = 0; probe < OXS_CENSUS_PROTOTYPES; probe++, at = (at + 1) % OXS_CENSUS_PROTOTYPES) {
				if ((entries[at].prototype == prototype && entries[at].shape == shape) || entries[at].objects == 0) {
					entries[at].prototype = prototype;
					entries[at].shape = shape;
					if (!entries[at].sample) entries[at].sample = slot;
					entries[at].objects++;
					entries[at].slots += count;
					break;
				}
			}
		}
	}
	for (txSlot *free = machine->freeHeap; free; free = free->next) kinds[XS_UNDEFINED_KIND + 1]--;
	xsmcVars(4);
	xsmcSetNewObject(xsResult);
	xsmcSetNewArray(xsVar(0), OXS_CENSUS_KINDS);
	for (int k = 0; k < OXS_CENSUS_KINDS; k++) {
		xsmcSetInteger(xsVar(1), kinds[k]);
		xsmcSetIndex(xsVar(0), k, xsVar(1));
	}
	xsmcSet(xsResult, xsID("kinds"), xsVar(0));
	xsmcSetNewArray(xsVar(0), 0);
	int row = 0;
	for (int e = 0; e < OXS_CENSUS_PROTOTYPES; e++) {
		if (entries[e].objects == 0) continue;
		{
			txSlot *lead = entries[e].sample->next;
			int isFunction = lead && (lead->kind == XS_CODE_KIND || lead->kind == XS_CODE_X_KIND);
			if (!isFunction && entries[e].slots < 6) continue;
		}
		xsmcSetNewArray(xsVar(1), 3);
		{
			/* The sample object's first own property names: enough to tell what it is. */
			char name[160];
			int used = snprintf(name, sizeof(name), "%s", entries[e].prototype ? "" : "(null proto) ");
			int shown = 0;
			txSlot *code = entries[e].sample->next;
			if (code && (code->kind == XS_CODE_KIND || code->kind == XS_CODE_X_KIND)) {
				txString key = fxGetKeyName(machine, code->ID);
				used += snprintf(name + used, sizeof(name) - used, "function %s ", key ? key : "(anonymous)");
			}
			for (txSlot *property = entries[e].sample->next; property && shown < 6 && used < (int)sizeof(name) - 24; property = property->next) {
				if (property->kind == XS_PRIVATE_KIND) {
					for (txSlot *field = property->value.private.first; field && shown < 6 && used < (int)sizeof(name) - 24; field = field->next, shown++) {
						txString key = fxGetKeyName(machine, field->ID);
						used += snprintf(name + used, sizeof(name) - used, "#%s ", key ? key : "?");
					}
					continue;
				}
				if (property->flag & XS_INTERNAL_FLAG) {
					used += snprintf(name + used, sizeof(name) - used, "[k%d] ", property->kind);
					shown++;
					continue;
				}
				txString key = fxGetKeyName(machine, property->ID);
				used += snprintf(name + used, sizeof(name) - used, "%s ", key ? key : "?");
				shown++;
			}
			xsmcSetString(xsVar(2), name);
		}
		xsmcSetIndex(xsVar(1), 0, xsVar(2));
		xsmcSetInteger(xsVar(2), entries[e].objects);
		xsmcSetIndex(xsVar(1), 1, xsVar(2));
		xsmcSetInteger(xsVar(2), entries[e].slots);
		xsmcSetIndex(xsVar(1), 2, xsVar(2));
		xsmcSetIndex(xsVar(0), row++, xsVar(1));
	}
	xsmcSet(xsResult, xsID("prototypes"), xsVar(0));
}

/*
 * chunkCensus(): the live chunk heap after a full collection, by what owns each chunk (the kind of
 * the first slot found pointing at it), in this host's bytes and as the 32-bit ESP32 would hold it:
 * an 8-byte chunk header instead of 16, sizes rounded to 4 instead of 8, and arrays of slots (array
 * elements, argument lists) and of pointers (the global table, ID lists) at half the size.
 * { hostBytes, esp32Bytes, kinds: [[kind, chunks, hostBytes, esp32Bytes], ...] }. For the budget's
 * chunk line (docs/memory.md): the lin host's chunk figures are an upper bound of the board's.
 */
#define OXS_CHUNK_TABLE 32768
#define OXS_CHUNK_FLAG 0x80000000 /* xsMemory.c mxChunkFlag: the mark bit of a chunk's size (clear after a collection) */
typedef struct { txByte *data; int8_t kind; } oxsChunkOwner;

static void oxsNoteChunk(oxsChunkOwner *table, void *data, int kind)
{
	if (!data) return;
	uintptr_t at = ((uintptr_t)data >> 3) % OXS_CHUNK_TABLE;
	for (int probe = 0; probe < OXS_CHUNK_TABLE; probe++, at = (at + 1) % OXS_CHUNK_TABLE) {
		if (table[at].data == data) return;
		if (!table[at].data) {
			table[at].data = data;
			table[at].kind = (int8_t)kind;
			return;
		}
	}
}

static int oxsChunkKind(oxsChunkOwner *table, txByte *data)
{
	uintptr_t at = ((uintptr_t)data >> 3) % OXS_CHUNK_TABLE;
	for (int probe = 0; probe < OXS_CHUNK_TABLE; probe++, at = (at + 1) % OXS_CHUNK_TABLE) {
		if (table[at].data == data) return table[at].kind;
		if (!table[at].data) return -2;
	}
	return -2;
}

void xs_oxs_lin_chunk_census(xsMachine *the)
{
	static oxsChunkOwner table[OXS_CHUNK_TABLE];
	static int32_t counts[OXS_CENSUS_KINDS], hostBytes[OXS_CENSUS_KINDS], espBytes[OXS_CENSUS_KINDS];
	txMachine *machine = (txMachine *)the;
	xsCollectGarbage();
	memset(table, 0, sizeof(table));
	memset(counts, 0, sizeof(counts));
	memset(hostBytes, 0, sizeof(hostBytes));
	memset(espBytes, 0, sizeof(espBytes));
	for (txSlot *heap = machine->firstHeap; heap; heap = heap->next) {
		txSlot *limit = heap->value.reference;
		for (txSlot *slot = heap + 1; slot < limit; slot++) {
			switch (slot->kind) {
			case XS_STRING_KIND: oxsNoteChunk(table, slot->value.string, slot->kind); break;
			case XS_BIGINT_KIND: oxsNoteChunk(table, slot->value.bigint.data, slot->kind); break;
			case XS_ARGUMENTS_SLOPPY_KIND:
			case XS_ARGUMENTS_STRICT_KIND:
			case XS_ARRAY_KIND:
			case XS_STACK_KIND: oxsNoteChunk(table, slot->value.array.address, XS_ARRAY_KIND); break;
			case XS_ARRAY_BUFFER_KIND: oxsNoteChunk(table, slot->value.arrayBuffer.address, slot->kind); break;
			case XS_CODE_KIND: oxsNoteChunk(table, slot->value.code.address, slot->kind); break;
			case XS_GLOBAL_KIND: oxsNoteChunk(table, slot->value.table.address, slot->kind); break;
			case XS_HOST_KIND:
				if (slot->flag & XS_HOST_CHUNK_FLAG) oxsNoteChunk(table, slot->value.host.data, slot->kind);
				break;
			case XS_IDS_KIND: oxsNoteChunk(table, slot->value.IDs, slot->kind); break;
			case XS_REGEXP_KIND:
				oxsNoteChunk(table, slot->value.regexp.code, slot->kind);
				oxsNoteChunk(table, slot->value.regexp.data, slot->kind);
				break;
			default: break;
			}
		}
	}
	int32_t totalHost = 0, totalEsp = 0;
	for (txBlock *block = machine->firstBlock; block; block = block->nextBlock) {
		txByte *current = ((txByte *)block) + sizeof(txBlock);
		while (current < block->current) {
			txSize size = ((txChunk *)current)->size & ~OXS_CHUNK_FLAG;
			if (size <= 0) break;
			int kind = oxsChunkKind(table, current + sizeof(txChunk));
			int32_t payload = (int32_t)size - (int32_t)sizeof(txChunk);
			int32_t esp = payload;
			if (kind == XS_ARRAY_KIND || kind == XS_GLOBAL_KIND || kind == XS_IDS_KIND) esp = payload / 2;
			esp = ((esp + 3) & ~3) + 8;
			int index = kind + 2; /* -2: no owner found (the machine's own), -1.. kinds */
			if (index < 0 || index >= OXS_CENSUS_KINDS) index = 0;
			counts[index]++;
			hostBytes[index] += (int32_t)size;
			espBytes[index] += esp;
			totalHost += (int32_t)size;
			totalEsp += esp;
			current += size;
		}
	}
	xsmcVars(3);
	xsmcSetNewObject(xsResult);
	setResultInteger(the, "hostBytes", totalHost);
	setResultInteger(the, "esp32Bytes", totalEsp);
	xsmcSetNewArray(xsVar(0), 0);
	int row = 0;
	for (int k = 0; k < OXS_CENSUS_KINDS; k++) {
		if (!counts[k]) continue;
		xsmcSetNewArray(xsVar(1), 4);
		xsmcSetInteger(xsVar(2), k - 2);
		xsmcSetIndex(xsVar(1), 0, xsVar(2));
		xsmcSetInteger(xsVar(2), counts[k]);
		xsmcSetIndex(xsVar(1), 1, xsVar(2));
		xsmcSetInteger(xsVar(2), hostBytes[k]);
		xsmcSetIndex(xsVar(1), 2, xsVar(2));
		xsmcSetInteger(xsVar(2), espBytes[k]);
		xsmcSetIndex(xsVar(1), 3, xsVar(2));
		xsmcSetIndex(xsVar(0), row++, xsVar(1));
	}
	xsmcSet(xsResult, xsID("kinds"), xsVar(0));
}

/* Ends the process at once (a reboot of the lin "board"; the bench host starts it again). */
void xs_oxs_lin_exit(xsMachine *the)
{
	int code = xsmcToInteger(xsArg(0));
	fflush(stdout);
	fflush(stderr);
	_exit(code);
}

/*
 * listenLoopback(port): a non-blocking TCP listener on 127.0.0.1:port, its descriptor. The SDK's
 * lin Listener binds every interface; a port that takes bench commands must stay on loopback.
 */
void xs_oxs_lin_listen_loopback(xsMachine *the)
{
	int port = xsmcToInteger(xsArg(0));
	struct sockaddr_in address;
	int yes = 1;
	if (port <= 0 || port > 65535)
		xsRangeError("bad port");
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		xsUnknownError("socket: %s", strerror(errno));
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, O_NONBLOCK | fcntl(fd, F_GETFL, 0));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, (void *)&yes, sizeof(yes));
	memset(&address, 0, sizeof(address));
	address.sin_family = AF_INET;
	address.sin_port = htons(port);
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&address, sizeof(address)) || listen(fd, 1)) {
		int error = errno;
		close(fd);
		xsUnknownError("listen on 127.0.0.1:%d: %s", port, strerror(error));
	}
	xsmcSetInteger(xsResult, fd);
}

/* acceptConnection(listener): a waiting connection (non-blocking, no Nagle), or -1 when none. */
void xs_oxs_lin_accept(xsMachine *the)
{
	int yes = 1;
	int fd = accept(xsmcToInteger(xsArg(0)), NULL, NULL);
	if (fd < 0) {
		xsmcSetInteger(xsResult, -1);
		return;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, O_NONBLOCK | fcntl(fd, F_GETFL, 0));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, (void *)&yes, sizeof(yes));
	xsmcSetInteger(xsResult, fd);
}

/* receive(fd, buffer, start, length): bytes read into buffer[start..], 0 when none wait, -1 when the peer is gone. */
void xs_oxs_lin_receive(xsMachine *the)
{
	int fd = xsmcToInteger(xsArg(0));
	int length, offset;
	int start = blockArguments(the, &length, 1, 0, &offset);
	ssize_t count;
	do
		count = recv(fd, (uint8_t *)xsmcToArrayBuffer(xsArg(1)) + start, length, MSG_DONTWAIT);
	while (count < 0 && errno == EINTR);
	if (count < 0)
		count = (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
	else if (count == 0)
		count = -1; /* orderly close */
	xsmcSetInteger(xsResult, (xsIntegerValue)count);
}

/* sendSome(fd, buffer, start, length): bytes the socket took (0: its buffer is full), -1 when the peer is gone. */
void xs_oxs_lin_send(xsMachine *the)
{
	oxsStackProbe(the, "sendSome");
	int fd = xsmcToInteger(xsArg(0));
	int length, offset;
	int start = blockArguments(the, &length, 0, 0, &offset);
	ssize_t count;
	do
		count = send(fd, (const uint8_t *)xsmcToArrayBuffer(xsArg(1)) + start, length, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (count < 0 && errno == EINTR);
	if (count < 0)
		count = (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
	xsmcSetInteger(xsResult, (xsIntegerValue)count);
}

/* closeSocket(fd) */
void xs_oxs_lin_close_socket(xsMachine *the)
{
	close(xsmcToInteger(xsArg(0)));
}
