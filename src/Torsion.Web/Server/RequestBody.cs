using Torsion.Defer;

namespace Torsion.Web.Server;

/// <summary>
/// A request body read as it arrives (<see cref="Request.Body"/>). The connection reads from the client
/// only while a read is waiting: a resource that reads slowly holds the client back through TCP flow
/// control, and memory stays at one socket read. For a resource that does not stream
/// (<see cref="Resource.StreamsRequestBody"/> false) it reads the buffered <see cref="Request.Content"/>.
/// </summary>
public sealed class RequestBody
{
    private readonly HttpChannel? _channel;
    private byte[] _stash = [];
    private int _stashStart;
    private int _stashEnd;
    private bool _complete;
    private Failure? _error;
    private Memory<byte> _readBuffer;
    private Deferred<int>? _pendingRead;

    internal RequestBody(HttpChannel? channel, long length)
    {
        _channel = channel;
        Length = length;
    }

    /// <summary>The body's Content-Length, or -1 when it is chunked.</summary>
    public long Length { get; }

    /// <summary>True once the whole body has been read by the application.</summary>
    public bool IsComplete => _complete && _stashStart == _stashEnd;

    /// <summary>The bytes received so far.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>'s length; fires with the count, 0 at the end of the body.
    /// Fails with <see cref="RequestBodyException"/> when the client breaks framing or a limit (the server
    /// has answered it), or with the connection's failure when the client goes away.
    /// </summary>
    public Deferred<int> ReadAsync(Memory<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("The buffer must not be empty.", nameof(buffer));
        }
        if (_pendingRead is not null)
        {
            throw new InvalidOperationException("A read is already waiting on this body.");
        }
        if (_stashStart < _stashEnd)
        {
            var n = Math.Min(buffer.Length, _stashEnd - _stashStart);
            _stash.AsSpan(_stashStart, n).CopyTo(buffer.Span);
            _stashStart += n;
            if (_stashStart == _stashEnd)
            {
                _stashStart = _stashEnd = 0;
                _channel?.BodyWanted();
            }
            return Deferred.Succeed(n);
        }
        if (_error is not null)
        {
            return Deferred.Fail<int>(_error);
        }
        if (_complete)
        {
            return Deferred.Succeed(0);
        }
        var read = new Deferred<int>();
        _readBuffer = buffer;
        _pendingRead = read;
        _channel?.BodyWanted();
        return read;
    }

    /// <summary>Reads the rest of the body into one array.</summary>
    public async Deferred<byte[]> ReadAllAsync()
    {
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await ReadAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, n);
        }
        return all.ToArray();
    }

    internal static RequestBody FromContent(byte[] content, int length)
    {
        var body = new RequestBody(null, length) { _stash = content, _stashEnd = length, _complete = true, BytesReceived = length };
        return body;
    }

    /// <summary>Data from the parser; true when all of it went to a waiting read (the parser may go on), false when some is held.</summary>
    internal bool Offer(ReadOnlySpan<byte> data)
    {
        BytesReceived += data.Length;
        if (_pendingRead is { } read)
        {
            var n = Math.Min(data.Length, _readBuffer.Length);
            data[..n].CopyTo(_readBuffer.Span);
            Stash(data[n..]);
            _pendingRead = null;
            _readBuffer = default;
            read.Callback(n);
        }
        else
        {
            Stash(data);
        }
        return _stashStart == _stashEnd;
    }

    internal void Complete()
    {
        _complete = true;
        if (_stashStart == _stashEnd && _pendingRead is { } read)
        {
            _pendingRead = null;
            read.Callback(0);
        }
    }

    internal void Fail(Failure reason)
    {
        if (_complete && _stashStart == _stashEnd)
        {
            return;
        }
        _error ??= reason;
        _stashStart = _stashEnd = 0;
        if (_pendingRead is { } read)
        {
            _pendingRead = null;
            read.Errback(reason);
        }
    }

    /// <summary>Drops what is held: the response is finished and the rest of the body is being drained.</summary>
    internal void Discard() => _stashStart = _stashEnd = 0;

    private void Stash(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (_stashStart == _stashEnd)
        {
            _stashStart = _stashEnd = 0;
        }
        if (_stashEnd + data.Length > _stash.Length)
        {
            var bigger = new byte[Math.Max(_stashEnd - _stashStart + data.Length, 4096)];
            _stash.AsSpan(_stashStart, _stashEnd - _stashStart).CopyTo(bigger);
            _stashEnd -= _stashStart;
            _stashStart = 0;
            _stash = bigger;
        }
        data.CopyTo(_stash.AsSpan(_stashEnd));
        _stashEnd += data.Length;
    }
}
