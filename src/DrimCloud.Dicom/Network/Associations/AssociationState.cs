namespace DrimCloud.Dicom.Network;

/// <summary>
/// Upper layer states (PS3.8 section 9.2, table 9-10), collapsed where the standard's states differ only by which
/// side is waiting for the transport.
/// </summary>
public enum AssociationState
{
    /// <summary>Sta4/Sta2: connection open, association not requested yet.</summary>
    AwaitingAssociateRequest,

    /// <summary>Sta5: requestor sent A-ASSOCIATE-RQ, waiting for AC or RJ.</summary>
    AwaitingAssociateResponse,

    /// <summary>Sta3: acceptor received A-ASSOCIATE-RQ and is deciding.</summary>
    AwaitingLocalAssociateResponse,

    /// <summary>Sta6: data transfer.</summary>
    Established,

    /// <summary>Sta7: this side sent A-RELEASE-RQ and waits for the RP (data may still arrive).</summary>
    AwaitingReleaseResponse,

    /// <summary>Sta8: the peer asked to release; this side finishes outstanding work before answering.</summary>
    AwaitingLocalReleaseResponse,

    /// <summary>Sta9-12: both sides asked to release at the same time.</summary>
    ReleaseCollision,

    /// <summary>Sta13: association over, waiting for the transport to close.</summary>
    AwaitingTransportClose,

    /// <summary>Sta1: closed.</summary>
    Closed,
}
