using DrimCloud.Dicom.Network;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Dicom;

/// <summary>
/// C-STORE into the spool: success is answered only once the instance is durable there (file and folder fsync'd,
/// journal record committed). Anything else is a failure status, so the sender keeps the instance and retries.
/// </summary>
public sealed class SpoolStorageHandler(DicomSpool spool, ILogger<SpoolStorageHandler> logger) : IDicomStorageHandler
{
    public async ValueTask<DimseOutcome> StoreAsync(DicomStoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        try
        {
            var entry = await spool.AddAsync(request, dataSet, cancellationToken);
            logger.LogDebug("Spooled {Sop} of study {Study} from {Calling} ({Bytes} bytes).", entry.SopInstanceUid, entry.StudyInstanceUid,
                request.CallingAeTitle, entry.Length);
            return DimseOutcome.Success;
        }
        catch (SpoolRefusedException e)
        {
            logger.LogWarning("Refused C-STORE of {Sop} from {Calling}: {Reason}", request.SopInstanceUid, request.CallingAeTitle, e.Message);
            return new DimseOutcome(DimseStatus.CannotUnderstand, "Missing or invalid Study Instance UID");
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Disk full or failing: the sender must keep the instance.
            logger.LogError(e, "Cannot spool {Sop} from {Calling}: {Reason}", request.SopInstanceUid, request.CallingAeTitle, e.Message);
            return new DimseOutcome(DimseStatus.OutOfResources, "Spool write failed");
        }
    }
}
