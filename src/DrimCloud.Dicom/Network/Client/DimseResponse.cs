using System.Threading.Channels;

namespace DrimCloud.Dicom.Network;

/// <summary>A response received for one of our requests, with its dataset (identifier) when it carries one.</summary>
public sealed record DimseResponse(DimseCommand Command, byte[]? DataSet, AcceptedPresentationContext Context)
{
    public DimseStatus Status => Command.Status ?? DimseStatus.ProcessingFailure;
}

/// <summary>A request waiting for its response(s): C-FIND, C-MOVE and C-GET get pending responses before the final one.</summary>
internal sealed class PendingRequest(ushort messageId)
{
    private readonly Channel<DimseResponse> _responses = Channel.CreateUnbounded<DimseResponse>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public ushort MessageId { get; } = messageId;

    public void Deliver(DimseResponse response)
    {
        _responses.Writer.TryWrite(response);
        if (!response.Status.IsPending)
            _responses.Writer.TryComplete();
    }

    public void Fail(Exception error) => _responses.Writer.TryComplete(error);

    /// <summary>Every response up to and including the final one.</summary>
    public IAsyncEnumerable<DimseResponse> ReadAllAsync(CancellationToken cancellationToken) => _responses.Reader.ReadAllAsync(cancellationToken);

    /// <summary>The final response, ignoring pending ones.</summary>
    public async Task<DimseResponse> ReadFinalAsync(CancellationToken cancellationToken)
    {
        DimseResponse? last = null;
        await foreach (var response in _responses.Reader.ReadAllAsync(cancellationToken))
            last = response;
        return last ?? throw new DicomAssociationAbortedException($"No response to message {MessageId}.");
    }
}
