using System.Buffers;
using System.Text;

namespace Torsion.Logging;

/// <summary>
/// A log file that can be rotated and reopened (Twisted's <c>BaseLogFile</c>). It is a
/// <see cref="TextWriter"/>, so a <see cref="TextFileLogObserver"/> writes to it directly; text is
/// stored as UTF-8 without a byte-order mark, appended to any existing content.
/// </summary>
/// <remarks>
/// <para>
/// Every operation takes one lock, so writes from many threads, and rotation from a signal
/// handler's thread, are safe. Rotation is checked before each write call, never in the middle of
/// one, so a line written with one <c>Write</c> lands whole in one file.
/// </para>
/// <para>
/// A rotation that cannot rename files (permissions, a file in use on Windows) is abandoned and
/// logging continues in the current file, as in Twisted: losing rotation is better than losing
/// the log. Failing writes do throw; <see cref="LogPublisher"/> keeps that from the emitter.
/// </para>
/// </remarks>
public abstract class BaseLogFile : TextWriter
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Lock _lock = new();
    // Stateful so a surrogate pair split across two Write(char) calls still encodes correctly.
    private readonly Encoder _encoder = s_utf8.GetEncoder();
    private FileStream? _stream;
    private bool _disposed;

    /// <summary>Describes the file; subclasses open it by calling <see cref="OpenFile"/> at the end of their constructor.</summary>
    /// <param name="name">The file name, without directory.</param>
    /// <param name="directory">The directory that holds the file and its rotated copies.</param>
    /// <param name="defaultMode">
    /// Unix permissions for the file, applied each time it is opened; if <c>null</c> and the file
    /// exists, its current permissions are kept for the files that rotation creates. Ignored on Windows.
    /// </param>
    protected BaseLogFile(string name, string directory, UnixFileMode? defaultMode)
        : base(System.Globalization.CultureInfo.InvariantCulture)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Name = name;
        Directory = directory;
        Path = System.IO.Path.Combine(directory, name);
        if (defaultMode is null && !OperatingSystem.IsWindows() && File.Exists(Path))
        {
            defaultMode = File.GetUnixFileMode(Path);
        }
        DefaultMode = defaultMode;
    }

    /// <summary>The file name, without directory.</summary>
    public string Name { get; }

    /// <summary>The directory holding the file and its rotated copies.</summary>
    public string Directory { get; }

    /// <summary>The full path of the live file.</summary>
    public string Path { get; }

    /// <summary>The Unix permissions applied to the file when it is opened, if any.</summary>
    public UnixFileMode? DefaultMode { get; }

    /// <summary>The live file's size in bytes, including writes not yet flushed.</summary>
    public long Size { get; private set; }

    /// <summary>UTF-8, without a byte-order mark.</summary>
    public override Encoding Encoding => s_utf8;

    /// <summary>Whether the next write should rotate first. Called under the lock, before each write.</summary>
    protected abstract bool ShouldRotate();

    /// <summary>
    /// Moves the live file aside. Called under the lock with the file flushed; use
    /// <see cref="CloseFile"/> and <see cref="OpenFile"/> around renaming it.
    /// </summary>
    protected abstract void RotateCore();

    /// <summary>Called under the lock after the file is opened; <paramref name="existed"/> says whether it had to be created.</summary>
    protected virtual void OnOpened(bool existed)
    {
    }

    /// <summary>Called under the lock after each write.</summary>
    protected virtual void OnWritten()
    {
    }

    /// <summary>Rotates now, whatever <see cref="ShouldRotate"/> says (the daemon does this on SIGUSR1).</summary>
    public void Rotate()
    {
        lock (_lock)
        {
            EnsureOpen();
            _stream!.Flush();
            RotateCore();
        }
    }

    /// <summary>
    /// Closes the file and opens the same path again (for logrotate, on SIGHUP): if the file was
    /// renamed or deleted meanwhile, writing continues in a new file at <see cref="Path"/>.
    /// </summary>
    public void Reopen()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CloseFile();
            OpenFile();
        }
    }

    /// <inheritdoc />
    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    /// <inheritdoc />
    public override void Write(string? value) => Write(value.AsSpan());

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        // One call, so the line and its newline cannot be split by a rotation.
        Write(string.Concat(value, NewLine));
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }
        lock (_lock)
        {
            EnsureOpen();
            if (ShouldRotate())
            {
                _stream!.Flush();
                RotateCore();
                EnsureOpen();
            }
            var count = _encoder.GetByteCount(buffer, flush: false);
            var bytes = ArrayPool<byte>.Shared.Rent(count);
            try
            {
                var written = _encoder.GetBytes(buffer, bytes, flush: false);
                _stream!.Write(bytes, 0, written);
                Size += written;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
            OnWritten();
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (_lock)
        {
            _stream?.Flush();
        }
    }

    /// <summary>
    /// Opens <see cref="Path"/> for appending, creating it if needed, applies
    /// <see cref="DefaultMode"/>, and sets <see cref="Size"/>. Subclass constructors call this last,
    /// so the file exists as soon as the object does; rotation calls it to start the new file.
    /// </summary>
    protected void OpenFile()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_stream is not null)
            {
                return;
            }
            var existed = File.Exists(Path);
            var options = new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                // Others may read the log while we write, and on Windows renaming it must be allowed.
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 4096,
            };
            if (!OperatingSystem.IsWindows() && !existed && DefaultMode is { } createMode)
            {
                options.UnixCreateMode = createMode;
            }
            _stream = new FileStream(Path, options);
            if (!OperatingSystem.IsWindows() && DefaultMode is { } mode)
            {
                try
                {
                    // The create mode is subject to the umask; this makes the permissions exact.
                    File.SetUnixFileMode(Path, mode);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Not our file to chmod (e.g. /dev/null): log to it anyway.
                }
            }
            Size = _stream.Length;
            OnOpened(existed);
        }
    }

    /// <summary>Flushes and closes the live file; the next write or <see cref="OpenFile"/> opens it again.</summary>
    protected void CloseFile()
    {
        lock (_lock)
        {
            var stream = _stream;
            _stream = null;
            stream?.Dispose();
        }
    }

    /// <summary>Closes the file for good; later writes throw <see cref="ObjectDisposedException"/>.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                CloseFile();
                _disposed = true;
            }
        }
        base.Dispose(disposing);
    }

    private void EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream is null)
        {
            OpenFile();
        }
    }
}
