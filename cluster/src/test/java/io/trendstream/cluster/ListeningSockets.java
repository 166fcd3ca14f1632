package io.trendstream.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP sockets listening on this machine, read from the kernel's tables ({@code /proc/net/tcp} and
 * {@code tcp6}), with the address each is bound to: what {@code ss -ltn} shows, without depending on it.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    /** A listening socket: its local address in the kernel's hex notation, port and inode. */
    public record Socket(String hexAddress, int port, long inode) {

        /** 127.0.0.0/8 or ::1 (or ::ffff:127.x, an IPv4 loopback address in an IPv6 socket). */
        public boolean loopback() {
            return switch (hexAddress.length()) {
                case 8 -> hexAddress.endsWith("7F"); // little-endian: the first octet is the last byte
                case 32 -> hexAddress.equals("00000000000000000000000001000000")
                        || hexAddress.startsWith("0000000000000000FFFF0000") && hexAddress.endsWith("7F");
                default -> false;
            };
        }

        @Override
        public String toString() {
            return (loopback() ? "loopback" : "address " + hexAddress) + ":" + port;
        }
    }

    private ListeningSockets() {}

    public static List<Socket> all() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file); // once: the table changes as sockets open and close
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (!fields[3].equals(LISTEN)) {
                    continue;
                }
                String[] local = fields[1].split(":");
                sockets.add(new Socket(local[0], Integer.parseInt(local[1], 16), Long.parseLong(fields[9])));
            }
        }
        return sockets;
    }

    /** The sockets listening on {@code port}. */
    public static List<Socket> onPort(int port) throws IOException {
        return all().stream().filter(socket -> socket.port() == port).toList();
    }

    /** The sockets that the processes {@code pids} listen on (matched by the inodes of their open sockets). */
    public static List<Socket> ofProcesses(Set<Long> pids) throws IOException {
        Set<Long> inodes = new TreeSet<>();
        for (long pid : pids) {
            Path fds = Path.of("/proc", String.valueOf(pid), "fd");
            try (var entries = Files.list(fds)) {
                for (Path fd : entries.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                        }
                    } catch (IOException closedMeanwhile) {
                        // the descriptor was closed between listing and reading it
                    }
                }
            } catch (IOException exited) {
                // the process ended meanwhile
            }
        }
        return all().stream().filter(socket -> inodes.contains(socket.inode())).toList();
    }
}
