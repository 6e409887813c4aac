package dev.reliant.simd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The one thread pool of the runtime and its parallel loops.
 *
 * <p>Threads only ever split work across independent output elements (DESIGN invariant 1): a
 * work item computes whole output values, so the number of threads never changes a result bit.
 * The pool has {@code threads - 1} workers; the calling thread takes part. A parallel loop
 * started from inside another one runs on the calling thread, so nesting cannot deadlock.
 * The thread count comes from the system property {@value #PROPERTY} (default: available
 * processors) and can be changed with {@link #setThreads(int)} (the CLI's {@code --threads}).
 */
public final class Parallel {
    /** System property holding the thread count. */
    public static final String PROPERTY = "reliant.threads";

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static volatile int threads = initialThreads();
    private static ExecutorService pool;

    private Parallel() {}

    private static int initialThreads() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("system property " + PROPERTY + " must be a positive integer, got '" + value + "'");
    }

    /** The number of threads parallel loops use. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads (≥ 1) used by later parallel loops. */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        }
        if (n != threads) {
            threads = n;
            if (pool != null) {
                pool.shutdown();
                pool = null;
            }
        }
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            int workers = Math.max(1, threads - 1);
            AtomicInteger counter = new AtomicInteger();
            pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "reliant-worker-" + counter.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /**
     * Runs {@code body.accept(i)} for every i in [0, items), items claimed dynamically by up to
     * {@link #threads()} threads. Returns when all items are done; rethrows the first failure.
     */
    public static void forEach(int items, IntConsumer body) {
        if (items <= 0) {
            return;
        }
        int t = Math.min(threads, items);
        if (t <= 1 || INSIDE.get()) {
            for (int i = 0; i < items; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            boolean outer = INSIDE.get();
            INSIDE.set(Boolean.TRUE);
            try {
                for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
                    body.accept(i);
                }
            } finally {
                INSIDE.set(outer);
            }
        };
        ExecutorService executor = pool();
        List<Future<?>> futures = new ArrayList<>(t - 1);
        for (int w = 1; w < t; w++) {
            futures.add(executor.submit(worker));
        }
        Throwable failure = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(items); // stop the others early
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** A body that handles the index range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /**
     * Splits [0, n) into chunks of at least {@code grain} indices and runs them in parallel.
     * The split depends on n and grain only, never on the thread count. A range of one chunk
     * runs directly on the calling thread.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        if (n <= g) {
            body.run(0, n);
            return;
        }
        int chunks = (n + g - 1) / g;
        forEach(chunks, c -> body.run(c * g, Math.min(n, (c + 1) * g)));
    }

    /**
     * Runs {@code body.accept(i)} for every item i in [0, items), through {@link #forRange} in
     * chunks of whole items: {@code chunkValues / itemSize} items per chunk (at least one), for
     * items of {@code itemSize} values, so a chunk holds about {@code chunkValues} values. The
     * split depends on the sizes only, never on the thread count.
     */
    static void forItems(int items, int itemSize, int chunkValues, IntConsumer body) {
        int grain = Math.max(1, chunkValues / Math.max(1, itemSize));
        forRange(items, grain, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                body.accept(i);
            }
        });
    }
}
