/*
 * cloop: a hand-tuned C reference loop for interopsim's agent engine.
 *
 * A model comparable to the flagship's: G groups of agents, S states per
 * group, E outcomes per state (each with a next state), one counter-based
 * random number per agent and step (SplitMix64's finaliser of the step
 * key plus the agent index times the golden ratio, as sim/agents.go draws
 * it) and one packed 8-byte alias-table look-up per agent-step. Each
 * outcome is counted per thread, and after each step the counts are
 * merged (occupied states only) into the agents per state, as the Go
 * engine does. The tables are built once, not every step: this measures
 * the agent loop, the part of a step that grows with N.
 *
 * Usage: cloop N STEPS [S E G]  (defaults: S 640, E 70, G 8)
 * Prints agents, steps and agent-steps per wall second, and a checksum
 * of the final state counts.
 *
 * Not part of the interopsim build or CI; see README.md.
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GOLDEN 0x9e3779b97f4a7c15ULL
#define COLBITS 7 /* 128 alias columns per state, at least E */
#define K (1 << COLBITS)

static inline uint64_t mix(uint64_t z) {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t stream_key(uint64_t seed, int run, int tag) {
	return mix(mix(mix(seed ^ 0x6a09e667f3bcc909ULL) + (uint64_t)run * GOLDEN) +
		   (uint64_t)(int64_t)tag * 0xd1b54a32d192ed03ULL);
}

/*
 * A packed column: bits 0-31 the threshold of the column's own outcome
 * (the column index), bits 32-39 the alias outcome, 40-51 the own
 * outcome's next state, 52-63 the alias's next state.
 */
typedef uint64_t col_t;

/* The agent loop of one block, for one- and two-byte states: one hash,
 * one packed 8-byte look-up, one count, one state written. */
#define STEP_BLOCK(NAME, T)                                                               \
	static void NAME(T *restrict st, long lo, long hi, uint64_t key, const col_t *restrict t, \
			 uint32_t *restrict c, int E) {                                         \
		uint64_t z = key + (uint64_t)lo * GOLDEN;                                       \
		for (long i = lo; i < hi; i++, z += GOLDEN) {                                   \
			unsigned s = st[i];                                                     \
			uint64_t u = mix(z);                                                    \
			unsigned j = u >> (64 - COLBITS);                                       \
			col_t x = t[s * K + j];                                                 \
			int own = (uint32_t)u < (uint32_t)x;                                    \
			unsigned e = own ? j : (unsigned)(x >> 32) & 0xff;                      \
			unsigned ns = own ? (x >> 40) & 0xfff : x >> 52;                        \
			c[s * E + e]++;                                                         \
			st[i] = (T)ns;                                                          \
		}                                                                               \
	}
STEP_BLOCK(step_block8, uint8_t)
STEP_BLOCK(step_block16, uint16_t)

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: cloop N STEPS [S E G]\n");
		return 2;
	}
	long n = atol(argv[1]);
	int steps = atoi(argv[2]);
	int S = argc > 3 ? atoi(argv[3]) : 640;
	int E = argc > 4 ? atoi(argv[4]) : 70;
	int G = argc > 5 ? atoi(argv[5]) : 8;
	if (E > K || S > 4096 || n < G) {
		fprintf(stderr, "cloop: need E <= %d, S <= 4096, N >= G\n", K);
		return 2;
	}
	/* Outcome probabilities of a state, shaped like the flagship's: the
	 * agent mostly stays (no purchase, wallets unchanged), then a few
	 * likely outcomes and a long tail, decaying geometrically. Next
	 * states other than the stay are drawn from a quarter of the states,
	 * so that, as in the flagship, about a sixth of the states end up
	 * occupied. */
	col_t *tab = malloc(sizeof(col_t) * G * S * K);
	uint16_t *next = malloc(sizeof(uint16_t) * G * S * E);
	uint64_t h = 12345;
	double *p = malloc(sizeof(double) * K);
	int *small = malloc(sizeof(int) * K), *large = malloc(sizeof(int) * K);
	for (int g = 0; g < G; g++)
		for (int s = 0; s < S; s++) {
			uint16_t *nx = next + ((size_t)g * S + s) * E;
			double z = 0;
			for (int e = 0; e < E; e++) {
				h = mix(h + GOLDEN);
				p[e] = e == 0 ? 0.8 : 0.2 * (1 - 0.9) * __builtin_powi(0.9, e - 1) * (0.5 + (h >> 11) * 0x1p-53);
				z += p[e];
				nx[e] = e == 0 ? s : (uint16_t)(mix(h) % (S / 4) * 4 + g % 4) % S;
			}
			/* Walker's alias table over K columns (columns >= E are empty). */
			int ns = 0, nl = 0;
			double q[K];
			int alias[K];
			for (int j = 0; j < K; j++) {
				q[j] = j < E ? p[j] / z * K : 0;
				alias[j] = j;
				if (q[j] < 1)
					small[ns++] = j;
				else
					large[nl++] = j;
			}
			while (ns && nl) {
				int a = small[--ns], b = large[nl - 1];
				alias[a] = b;
				q[b] -= 1 - q[a];
				if (q[b] < 1) {
					nl--;
					small[ns++] = b;
				}
			}
			while (nl)
				q[large[--nl]] = 1;
			while (ns)
				q[small[--ns]] = 1;
			col_t *t = tab + ((size_t)g * S + s) * K;
			for (int j = 0; j < K; j++) {
				double thr = q[j] * 4294967296.0;
				uint64_t th = thr >= 4294967295.0 ? 0xffffffffULL : (uint64_t)thr;
				if (j >= E)
					th = 0; /* never its own outcome */
				int own = j < E ? j : 0, al = alias[j] < E ? alias[j] : 0;
				t[j] = th | (uint64_t)al << 32 | (uint64_t)nx[own] << 40 | (uint64_t)nx[al] << 52;
			}
		}
	/* Agents: contiguous by group, all starting in state 0; one byte of
	 * state each when S fits, else two. */
	long per = n / G;
	int wide = S > 256;
	void *st = calloc(n, wide ? 2 : 1);
	int threads = omp_get_max_threads();
	uint32_t *wcnt = calloc((size_t)threads * G * S * E, sizeof(uint32_t));
	int64_t *count = calloc((size_t)G * S, sizeof(int64_t));
	for (int g = 0; g < G; g++)
		count[(size_t)g * S] = g == G - 1 ? n - per * (G - 1) : per;
	/* Blocks of 16,384 agents within one group, as sim/agents.go
	 * splits them. */
	const long block = 1 << 14;
	long nblocks = 0;
	long *blo = malloc(sizeof(long) * (n / block + G + 1)), *bhi = malloc(sizeof(long) * (n / block + G + 1));
	int *bg = malloc(sizeof(int) * (n / block + G + 1));
	for (int g = 0; g < G; g++) {
		long first = g * per, last = g == G - 1 ? n : first + per;
		for (long lo = first; lo < last; lo += block) {
			blo[nblocks] = lo;
			bhi[nblocks] = lo + block < last ? lo + block : last;
			bg[nblocks++] = g;
		}
	}
	double t0 = now();
	for (int step = 0; step < steps; step++) {
		uint64_t key = stream_key(1, 0, step);
		memset(wcnt, 0, sizeof(uint32_t) * threads * G * S * E);
#pragma omp parallel
		{
			uint32_t *mine = wcnt + (size_t)omp_get_thread_num() * G * S * E;
#pragma omp for schedule(dynamic, 1)
			for (long b = 0; b < nblocks; b++) {
				int g = bg[b];
				const col_t *t = tab + (size_t)g * S * K;
				uint32_t *c = mine + (size_t)g * S * E;
				if (wide)
					step_block16((uint16_t *)st, blo[b], bhi[b], key, t, c, E);
				else
					step_block8((uint8_t *)st, blo[b], bhi[b], key, t, c, E);
			}
		}
		/* Merge the counts of occupied states into the next step's. */
		for (int g = 0; g < G; g++) {
			int64_t *cg = count + (size_t)g * S;
			int64_t *nc = calloc(S, sizeof(int64_t));
			for (int s = 0; s < S; s++) {
				if (!cg[s])
					continue;
				for (int e = 0; e < E; e++) {
					int64_t c = 0;
					for (int w = 0; w < threads; w++)
						c += wcnt[(((size_t)w * G + g) * S + s) * E + e];
					nc[next[((size_t)g * S + s) * E + e]] += c;
				}
			}
			memcpy(cg, nc, S * sizeof(int64_t));
			free(nc);
		}
	}
	double wall = now() - t0;
	uint64_t sum = 0;
	int occupied = 0;
	for (size_t k = 0; k < (size_t)G * S; k++) {
		sum = sum * 31 + (uint64_t)count[k];
		occupied += count[k] != 0;
	}
	printf("cloop: %ld agents, %d steps, %d states, %d outcomes, %d groups, %d threads\n", n, steps, S, E, G, threads);
	printf("cloop: %.3f s wall, %.4g agent-steps/s (wall), %d occupied states, checksum %016llx\n", wall,
	       (double)n * steps / wall, occupied, (unsigned long long)sum);
	return 0;
}
