package dev.changelake.deploy.local;

import dev.changelake.fixtures.workload.DemoWorkload;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The chaos suite's writer: the demo workload (inserts, hot-key updates, deletes) plus a primary-key change every
 * {@value #KEY_CHANGE_EVERY} changes, at a steady rate, on a thread of its own that outlives database restarts (a
 * failed statement drops the connection; the next step connects again). Paused, it has no statement in flight.
 */
final class ChaosLoad implements AutoCloseable {
    private static final int KEY_CHANGE_EVERY = 40;

    private final DemoWorkload workload;
    private final Callable<Connection> connect;
    private final long intervalNanos;
    private final ReentrantLock stepping = new ReentrantLock();
    private final AtomicLong failedStatements = new AtomicLong();
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean closed;
    private Connection connection;
    private long steps;

    ChaosLoad(DemoWorkload workload, Callable<Connection> connect, int ratePerSecond) {
        this.workload = workload;
        this.connect = connect;
        this.intervalNanos = 1_000_000_000L / ratePerSecond;
        this.thread = new Thread(this::loop, "chaos-load");
        thread.setDaemon(true);
        thread.start();
    }

    void resume() {
        running = true;
    }

    /** Stops changing the database; returns once no statement is in flight. */
    void pause() {
        running = false;
        stepping.lock();
        stepping.unlock();
    }

    /** Changes the database took (the workload's count: inserts, updates, deletes, key changes). */
    long changes() {
        return workload.changes();
    }

    /** Statements that failed, e.g. while MariaDB restarted. */
    long failedStatements() {
        return failedStatements.get();
    }

    private void loop() {
        long next = System.nanoTime();
        while (!closed) {
            if (!running) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // idle while paused
                next = System.nanoTime();
                continue;
            }
            stepping.lock();
            try {
                if (running) {
                    step();
                }
            } finally {
                stepping.unlock();
            }
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing the load, not waiting for a condition
            }
        }
    }

    private void step() {
        try {
            if (connection == null) {
                connection = connect.call();
            }
            if (++steps % KEY_CHANGE_EVERY == 0) {
                workload.changeOrderKey(connection);
            } else {
                workload.step(connection);
            }
        } catch (Exception e) {
            failedStatements.incrementAndGet();
            closeConnection();
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // the database is away; try again shortly
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the connection is broken anyway
            }
            connection = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        pause();
        closed = true;
        thread.join(Duration.ofSeconds(10).toMillis());
        closeConnection();
    }
}
