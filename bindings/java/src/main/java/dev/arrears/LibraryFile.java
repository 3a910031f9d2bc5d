package dev.arrears;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * Where the jar's native library is loaded from: a file the dynamic loader can open.
 *
 * <p>Taking the library (2.5 MB) out of the jar costs a cold JVM 60-200 ms of the first engine's
 * time, so a JVM keeps the copy it made for the next one: in {@code
 * $ARREARS_CACHE_DIR/native/<sha256>/}, else the user cache directory's {@code
 * arrears/native/<sha256>/} ({@code $XDG_CACHE_HOME}, else {@code ~/.cache}), the directory named
 * by the SHA-256 the build recorded beside the library in the jar, so a jar of another version
 * never finds this one's copy. {@code ARREARS_CACHE_DIR=""} turns the cache off (as it does for
 * the Go library's compilation cache), and then each JVM writes a temporary copy and deletes it
 * once loaded, as before.
 *
 * <p>What is loaded from the cache is checked first, every time: the file and the directories
 * above it up to the cache's own {@code arrears} directory must belong to this JVM's user and be
 * writable by no one else (so only that user, who can change the jar and the JVM anyway, could
 * have put anything there), and the file must have the size and CRC-32 of the jar's entry (a
 * partial or damaged write, or another build's file, is replaced, never loaded). A SHA-256 of the
 * file would cost a cold JVM about 300 ms, more than the copy saves. Anything unexpected (no POSIX
 * permissions, an unknown owner, a directory that cannot be written) falls back to the temporary
 * copy: the cache only ever saves time.
 *
 * <p>When the library is a plain file rather than a jar entry (the build's classes directory), it
 * is loaded where it is.
 */
final class LibraryFile {
    /** The cache's directories and files when this library makes them: its user's alone. */
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    /**
     * Loads the library at {@code url} (the jar's entry, or a file) with {@code load}: where it is
     * when it is a file; else from the cache under {@code root} ({@link #cacheRoot()}; null when
     * off) when the build recorded its SHA-256 {@code digest} (else null); else, or when the loader
     * refuses the cached copy, from a temporary copy deleted once loaded.
     */
    static <T> T withLibrary(URL url, Path root, String digest, Function<Path, T> load) throws IOException {
        if (url.getProtocol().equals("file")) {
            try {
                return load.apply(Path.of(url.toURI()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        Path cached = root == null || digest == null ? null : cached(url, root, digest);
        if (cached != null) {
            try {
                return load.apply(cached);
            } catch (RuntimeException refused) {
                // A cache the loader may not map (mounted noexec, say): the temporary copy's turn.
            }
        }
        Path file = Files.createTempFile("arrears-", ".so");
        try {
            try (InputStream in = url.openStream()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return load.apply(file);
        } finally {
            // The loaded library stays mapped: a temporary copy can go at once, so nothing is
            // left behind even if the JVM is killed.
            Files.deleteIfExists(file);
        }
    }

    /** Where the build puts the library for this platform in the jar. */
    private static final String RESOURCE = "/dev/arrears/native/%s/libarrears_module.so";
    /** Overrides the library extracted from the jar: the path of a library file to load instead. */
    static final String PATH_PROPERTY = "arrears.native.path";

    /**
     * Loads the library for this JVM with {@code load}, whichever way the JVM reaches it (the FFM
     * class on Java 22+, JNI on Java 17-21): the file {@code arrears.native.path} names, else the
     * jar's library for this platform through {@link #withLibrary}, with the recorded digest.
     */
    static <T> T loadNative(Function<Path, T> load) throws IOException {
        String given = System.getProperty(PATH_PROPERTY);
        return given != null ? load.apply(Path.of(given)) : withLibrary(resourceUrl(), cacheRoot(), recordedDigest(), load);
    }

    /** Why there is no library to load on this platform, or null when there is one. */
    static String noNativeLibrary() {
        if (System.getProperty(PATH_PROPERTY) == null && resourceUrl() == null) {
            return "the jar holds no native library for " + platform() + " (only linux-x86_64 is shipped); set "
                    + PATH_PROPERTY + " to a library built for it (scripts/build-native-lib.sh)";
        }
        return null;
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.startsWith("windows") ? "windows" : os;
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return osName + "-" + archName;
    }

    private static String resource() {
        return String.format(RESOURCE, platform());
    }

    /** The resource of the library for this platform, or null when the jar has none. */
    private static URL resourceUrl() {
        return LibraryFile.class.getResource(resource());
    }

    /** The SHA-256 of the jar's library as the build recorded it (64 hex digits), or null. */
    private static String recordedDigest() throws IOException {
        try (InputStream in = LibraryFile.class.getResourceAsStream(resource() + ".sha256")) {
            if (in == null) {
                return null;
            }
            String text = new String(in.readNBytes(200), StandardCharsets.US_ASCII).trim();
            // sha256sum's line: the digest, then the file's name.
            if (text.length() < 64) {
                return null;
            }
            for (int i = 0; i < 64; i++) {
                char c = text.charAt(i);
                if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                    return null;
                }
            }
            return text.substring(0, 64);
        }
    }

    /** The cache's root for this user, or null when it is turned off or there is none. */
    static Path cacheRoot() {
        String given = System.getenv("ARREARS_CACHE_DIR");
        if (given != null) {
            return given.isEmpty() ? null : Path.of(given);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "arrears");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isEmpty() || home.equals("?") ? null : Path.of(home, ".cache", "arrears");
    }

    /**
     * The copy of the jar entry at {@code url} under the cache {@code root}, in the directory named
     * by its {@code digest}: checked, and written first if it is missing or fails a check; null when
     * there can be none (then the caller makes a temporary copy).
     */
    static Path cached(URL url, Path root, String digest) {
        try {
            if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                return null;
            }
            URLConnection connection = url.openConnection();
            if (!(connection instanceof JarURLConnection jar)) {
                return null;
            }
            JarEntry entry = jar.getJarEntry();
            long size = entry.getSize();
            long crc = entry.getCrc();
            if (size < 0 || crc < 0) {
                return null;
            }
            UserPrincipal user = FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            Path directory = root.resolve("native").resolve(digest);
            Path file = directory.resolve("libarrears_module.so");
            Path[] chain = {directory, directory.getParent(), root};
            if (trusted(file, user, chain) && matches(file, size, crc)) {
                return file;
            }
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            Path part = Files.createTempFile(directory, "libarrears_module-", ".part",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            try {
                // Into the file as made, owner-only (a copy that replaced it would take the umask's mode).
                try (InputStream in = jar.getInputStream(); OutputStream out = Files.newOutputStream(part)) {
                    in.transferTo(out);
                }
                if (!matches(part, size, crc)) {
                    return null;
                }
                try {
                    Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    return null;
                }
            } finally {
                Files.deleteIfExists(part);
            }
            return trusted(file, user, chain) && matches(file, size, crc) ? file : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether {@code file} and each of {@code directories} is a real file or directory (no
     * symbolic link) that {@code user} owns and no one else may write.
     */
    private static boolean trusted(Path file, UserPrincipal user, Path[] directories) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (!ownedAlone(file, user)) {
            return false;
        }
        for (Path d : directories) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) || !ownedAlone(d, user)) {
                return false;
            }
        }
        return true;
    }

    private static boolean ownedAlone(Path path, UserPrincipal user) throws IOException {
        PosixFileAttributes attributes = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        Set<PosixFilePermission> permissions = attributes.permissions();
        return attributes.owner().equals(user)
                && !permissions.contains(PosixFilePermission.GROUP_WRITE)
                && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** Whether {@code file} has the jar entry's size and CRC-32. */
    private static boolean matches(Path file, long size, long crc) throws IOException {
        if (Files.size(file) != size) {
            return false;
        }
        CRC32 sum = new CRC32();
        sum.update(Files.readAllBytes(file));
        return sum.getValue() == crc;
    }

    private LibraryFile() {}
}
