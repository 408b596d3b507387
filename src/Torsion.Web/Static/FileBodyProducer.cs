using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Torsion.Internet;
using Torsion.Web.Server;

namespace Torsion.Web.Static;

/// <summary>
/// Streams parts of an open file into a response. One read is in flight at a time, on the thread pool
/// (a read of a cold disk never stalls the reactor), and its bytes are written on the reactor thread;
/// the next read is issued only while the connection is not paused. So a slow client holds the
/// file's reads back, and a response of any size costs one chunk plus the transport's buffer.
/// </summary>
internal sealed class FileBodyProducer : IPushProducer
{
    private readonly Request _request;
    private readonly SafeFileHandle _handle;
    private readonly IReadOnlyList<BodyPart> _parts;
    private readonly byte[] _trailer;
    private readonly StaticFileOptions _options;
    private readonly SynchronizationContext _loop;
    private byte[]? _buffer;
    private int _part;
    private bool _prefixSent;
    private long _offset;
    private long _remaining;
    private bool _paused;
    private bool _reading;
    private bool _done;

    internal FileBodyProducer(Request request, SafeFileHandle handle, IReadOnlyList<BodyPart> parts, byte[] trailer, StaticFileOptions options)
    {
        _request = request;
        _handle = handle;
        _parts = parts;
        _trailer = trailer;
        _options = options;
        // Read completions come back to the reactor thread this render runs on (its synchronization context).
        _loop = SynchronizationContext.Current ?? throw new InvalidOperationException("A file body is produced on a reactor thread.");
        _buffer = ArrayPool<byte>.Shared.Rent(options.ChunkSize);
        StartPart();
    }

    /// <summary>Registers with the request and starts reading.</summary>
    internal void Start()
    {
        _request.RegisterProducer(this, streaming: true);
        Pump();
    }

    public void PauseProducing() => _paused = true;

    public void ResumeProducing()
    {
        _paused = false;
        Pump();
    }

    public void StopProducing()
    {
        _done = true;
        if (!_reading)
        {
            Release();
        }
    }

    private void StartPart()
    {
        _prefixSent = false;
        _offset = _parts[_part].Offset;
        _remaining = _parts[_part].Count;
    }

    // Writes what needs no read and issues the next read, until paused, a read is in flight, or the end.
    private void Pump()
    {
        while (!_paused && !_reading && !_done)
        {
            if (!_prefixSent)
            {
                _prefixSent = true;
                if (_parts[_part].Prefix.Length > 0)
                {
                    _request.Write(_parts[_part].Prefix);
                }
                continue;
            }
            if (_remaining > 0)
            {
                Read();
                return;
            }
            if (_part + 1 < _parts.Count)
            {
                _part++;
                StartPart();
                continue;
            }
            Complete();
            return;
        }
    }

    private void Read()
    {
        _reading = true;
        var buffer = _buffer!;
        var count = (int)Math.Min(buffer.Length, _remaining);
        var offset = _offset;
        var handle = _handle;
        Task.Run(() => RandomAccess.Read(handle, buffer.AsSpan(0, count), offset))
            .ContinueWith(task => _loop.Post(_ => OnRead(task), null), TaskScheduler.Default);
    }

    private void OnRead(Task<int> task)
    {
        _reading = false;
        if (_done)
        {
            Release();
            return;
        }
        if (!task.IsCompletedSuccessfully || task.Result == 0)
        {
            // The head promised a length this file no longer has (a read error, or it shrank): the only
            // honest end is to drop the connection, which the request does for a failure after the head.
            _done = true;
            Release();
            _request.UnregisterProducer();
            var error = task.Exception?.InnerException ?? new IOException("The file ended before the length its response announced.");
            _request.RenderFailed(new Failure(error));
            return;
        }
        var n = task.Result;
        _options.CountRead(n);
        _offset += n;
        _remaining -= n;
        // Writing may pause us at once (the transport's buffer filled): Pump then waits for ResumeProducing.
        _request.Write(_buffer.AsSpan(0, n));
        Pump();
    }

    private void Complete()
    {
        _done = true;
        if (_trailer.Length > 0)
        {
            _request.Write(_trailer);
        }
        Release();
        _request.UnregisterProducer();
        if (!_request.Finished)
        {
            _request.Finish();
        }
    }

    private void Release()
    {
        _handle.Dispose();
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
