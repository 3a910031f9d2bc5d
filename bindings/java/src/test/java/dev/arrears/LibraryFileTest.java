package dev.arrears;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native library's copy kept between JVMs ({@link LibraryFile#cached}): written owner-only
 * under the directory named by the digest, taken again as it is, and never loaded once it fails a
 * check. A stand-in jar entry plays the library: nothing here loads it.
 */
class LibraryFileTest {
    private static final String DIGEST = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    /** A jar holding {@code bytes} as its one entry, and that entry's URL. */
    private URL entry(byte[] bytes) throws IOException {
        // A jar of its own each time: the JDK keeps a jar it has opened by its URL.
        Path jar = Files.createTempFile(dir, "library-", ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("lib/libarrears_module.so"));
            out.write(bytes);
            out.closeEntry();
        }
        return new URL("jar:" + jar.toUri() + "!/lib/libarrears_module.so");
    }

    private Path root() throws IOException {
        return Files.createDirectory(dir.resolve("cache"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static byte[] library() {
        byte[] bytes = new byte[100_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    @Test
    void theFirstJvmWritesAnOwnerOnlyCopyNamedByTheDigestAndTheNextTakesItAsItIs() throws IOException {
        byte[] bytes = library();
        URL url = entry(bytes);
        Path root = root();
        Path first = LibraryFile.cached(url, root, DIGEST);
        assertEquals(root.resolve("native").resolve(DIGEST).resolve("libarrears_module.so"), first);
        assertArrayEquals(bytes, Files.readAllBytes(first));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.getParent())));
        Object written = Files.readAttributes(first, "unix:ino").get("ino");

        Path again = LibraryFile.cached(url, root, DIGEST);
        assertEquals(first, again);
        assertEquals(written, Files.readAttributes(again, "unix:ino").get("ino"), "a sound copy is not written again");
    }

    @Test
    void aDamagedCopyIsReplacedRatherThanLoaded() throws IOException {
        byte[] bytes = library();
        URL url = entry(bytes);
        Path root = root();
        Path file = LibraryFile.cached(url, root, DIGEST);
        byte[] damaged = bytes.clone();
        damaged[50_000] ^= 1;
        Files.write(file, damaged);
        assertArrayEquals(bytes, Files.readAllBytes(LibraryFile.cached(url, root, DIGEST)));
        Files.write(file, new byte[10]);
        assertArrayEquals(bytes, Files.readAllBytes(LibraryFile.cached(url, root, DIGEST)));
    }

    @Test
    void aCopyOthersMayWriteIsReplacedByAnOwnerOnlyOne() throws IOException {
        URL url = entry(library());
        Path root = root();
        Path file = LibraryFile.cached(url, root, DIGEST);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        Object loose = Files.readAttributes(file, "unix:ino").get("ino");
        Path replaced = LibraryFile.cached(url, root, DIGEST);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(replaced)));
        assertNotEquals(loose, Files.readAttributes(replaced, "unix:ino").get("ino"));
    }

    @Test
    void aCacheDirectoryOthersMayWriteIsNotUsed() throws IOException {
        URL url = entry(library());
        Path root = root();
        assertNotNull(LibraryFile.cached(url, root, DIGEST));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(LibraryFile.cached(url, root, DIGEST), "anyone could swap the copy between the check and the load");
    }

    @Test
    void anotherBuildsLibraryHasADirectoryOfItsOwn() throws IOException {
        Path root = root();
        Path one = LibraryFile.cached(entry(library()), root, DIGEST);
        String other = DIGEST.replace('0', 'f');
        Path two = LibraryFile.cached(entry(new byte[] {1, 2, 3}), root, other);
        assertNotEquals(one.getParent(), two.getParent());
        assertArrayEquals(library(), Files.readAllBytes(one));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(two));
    }

    @Test
    void aCachedCopyTheLoaderRefusesGivesWayToATemporaryOneThatIsDeletedOnceLoaded() throws IOException {
        byte[] bytes = library();
        URL url = entry(bytes);
        Path root = root();
        Path[] loaded = new Path[1];
        String result = LibraryFile.withLibrary(url, root, DIGEST, file -> {
            if (file.startsWith(root)) {
                throw new IllegalArgumentException("cannot open " + file + " (mounted noexec)");
            }
            try {
                assertArrayEquals(bytes, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loaded[0] = file;
            return "loaded";
        });
        assertEquals("loaded", result);
        assertFalse(loaded[0].startsWith(root));
        assertFalse(Files.exists(loaded[0]), "the temporary copy is deleted once loaded");
    }

    @Test
    void withTheCacheOffEveryJvmLoadsATemporaryCopy() throws IOException {
        URL url = entry(library());
        Path[] loaded = new Path[1];
        LibraryFile.withLibrary(url, null, DIGEST, file -> loaded[0] = file);
        assertFalse(Files.exists(loaded[0]));
    }

    @Test
    void aLibraryThatIsAFileIsLoadedWhereItIs() throws IOException {
        Path file = Files.write(dir.resolve("libarrears_module.so"), library());
        Path root = root();
        Path loaded = LibraryFile.withLibrary(file.toUri().toURL(), root, DIGEST, p -> p);
        assertEquals(file, loaded);
        assertFalse(Files.exists(root.resolve("native")), "nothing is copied");
    }

    @Test
    void aCopyIsNeverLeftHalfWritten() throws IOException {
        URL url = entry(library());
        Path root = root();
        Path file = LibraryFile.cached(url, root, DIGEST);
        try (var listing = Files.list(file.getParent())) {
            assertEquals(1, listing.count(), "only the library itself: its partial copy was renamed into place");
        }
    }
}
