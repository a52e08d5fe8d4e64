using System.Text;
using DrimCloud.Dicom.Network.Tests.Infrastructure;

namespace DrimCloud.Dicom.Network.Tests.Loopback;

public class NegotiationTests
{
    [Fact]
    public async Task A_wrong_called_AE_title_is_rejected_permanently()
    {
        await using var loopback = Loopback.Start();

        var error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.EchoAsync(loopback.Client(calledAeTitle: "SOMEONE_ELSE")));

        Assert.Equal((RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeTitleNotRecognized), (error.Result, error.RejectSource, error.Reason));
    }

    [Fact]
    public async Task Only_allowed_calling_AE_titles_associate()
    {
        await using var loopback = Loopback.Start(o => o.With(allowedCalling: new HashSet<string> { "FRIEND" }));

        var error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.EchoAsync(loopback.Client(callingAeTitle: "STRANGER")));

        Assert.Equal(RejectReason.CallingAeTitleNotRecognized, error.Reason);
        Assert.Equal(DimseStatus.Success, await DicomClient.EchoAsync(loopback.Client(callingAeTitle: "FRIEND")));
    }

    [Fact]
    public async Task Beyond_the_association_limit_requests_are_rejected_transiently_and_served_again_after()
    {
        await using var loopback = Loopback.Start(o => o.With(maxAssociations: 2));
        var proposal = new AssociationProposal().AddVerification();
        var first = await DicomClient.ConnectAsync(loopback.Client(), proposal);
        await using var second = await DicomClient.ConnectAsync(loopback.Client(), proposal);

        var error = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.ConnectAsync(loopback.Client(), proposal));
        Assert.Equal((RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReason.LocalLimitExceeded), (error.Result, error.RejectSource, error.Reason));
        Assert.Equal(1, loopback.Listener.RejectedForLimit);

        await first.DisposeAsync();
        await StorageTests.WaitUntilAsync(() => loopback.Listener.ActiveAssociations == 1);
        Assert.Equal(DimseStatus.Success, await DicomClient.EchoAsync(loopback.Client()));
        Assert.Equal(DimseStatus.Success, await second.EchoAsync());
    }

    [Fact]
    public async Task User_identity_is_checked_and_answered()
    {
        await using var loopback = Loopback.Start(o => o.With(identity: (identity, _) => ValueTask.FromResult(
            identity.PrimaryText == "alice" && identity.SecondaryText == "secret"
                ? UserIdentityDecision.Accept(Encoding.UTF8.GetBytes("welcome"))
                : UserIdentityDecision.Refuse())));
        DicomClientOptions As(string user, string password) => new()
        {
            Host = "127.0.0.1",
            Port = loopback.Listener.Port,
            CallingAeTitle = "DRIMSCU",
            CalledAeTitle = "DRIMSCP",
            UserIdentity = UserIdentityRequest.ForUsername(user, password, positiveResponseRequested: true),
        };

        var refused = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.EchoAsync(As("alice", "wrong")));
        Assert.Equal((RejectResult.Permanent, RejectSource.ServiceProviderAcse), (refused.Result, refused.RejectSource));

        await using var association = await DicomClient.ConnectAsync(As("alice", "secret"), new AssociationProposal().AddVerification());
        Assert.Equal("welcome", Encoding.UTF8.GetString(association.UserIdentityServerResponse!));
        Assert.Equal(DimseStatus.Success, await association.EchoAsync());
    }

    [Fact]
    public async Task Unsupported_contexts_are_refused_one_by_one_and_the_rest_accepted()
    {
        await using var loopback = Loopback.Start(o => new DicomListenerOptions
        {
            AeTitle = o.AeTitle,
            Storage = o.Storage,
            StorageTransferSyntaxes = [KnownTransferSyntaxes.ExplicitVRLittleEndian],
        });
        var proposal = new AssociationProposal()
            .AddVerification()
            .Add("1.2.3.4.5.6.7", KnownTransferSyntaxes.ExplicitVRLittleEndian)
            .Add(SyntheticInstance.SopClass, "1.2.840.10008.1.2.4.50")
            .Add(SyntheticInstance.SopClass, KnownTransferSyntaxes.ImplicitVRLittleEndian, KnownTransferSyntaxes.ExplicitVRLittleEndian);

        await using var association = await DicomClient.ConnectAsync(loopback.Client(), proposal);

        var answers = association.Accept.PresentationContexts.ToDictionary(a => a.Id, a => a.Result);
        Assert.Equal(PresentationContextResult.Acceptance, answers[1]);
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, answers[3]);
        Assert.Equal(PresentationContextResult.TransferSyntaxesNotSupported, answers[5]);
        Assert.Equal(KnownTransferSyntaxes.ExplicitVRLittleEndian, association.AcceptedContexts[7].TransferSyntax);
    }

    [Fact]
    public async Task Negotiated_parameters_are_exchanged()
    {
        await using var loopback = Loopback.Start(o => o.With(maxPdu: 32768));
        var options = loopback.Client();
        var proposal = new AssociationProposal().AddVerification().AddRole(SyntheticInstance.SopClass, scu: false, scp: true);

        await using var association = await DicomClient.ConnectAsync(options, proposal);

        Assert.Equal(32768, association.MaxSendPduLength);
        Assert.Equal(WellKnownUids.ImplementationClassUid, association.PeerImplementationClassUid);
        Assert.Equal(WellKnownUids.ImplementationVersionName, association.PeerImplementationVersionName);
        Assert.Equal("DRIMSCP", association.CalledAeTitle);
        // Without a Query/Retrieve handler the listener never plays SCU of storage classes, so it refuses the SCP role.
        var role = Assert.Single(association.Accept.UserInformation.RoleSelections);
        Assert.False(role.ScpRole);
    }
}
