namespace DrimCloud.Dicom.Network;

/// <summary>
/// The acceptor's decision on an A-ASSOCIATE-RQ: reject it (with the standard result/source/reason), or accept
/// it with an answer per presentation context, role selection and the negotiated user information.
/// </summary>
internal sealed class ServerNegotiator(DicomListenerOptions options)
{
    /// <summary>
    /// Identifiers are built and read in memory in little endian; big endian would need a byte-swapping encoder
    /// for no practical gain (every Q/R peer offers a little endian syntax).
    /// </summary>
    private static readonly string[] QueryRetrieveSyntaxes =
        [KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian];

    private readonly HashSet<string> _storageSyntaxes = new(options.StorageTransferSyntaxes ?? KnownTransferSyntaxes.All.Select(t => t.Uid), StringComparer.Ordinal);

    /// <summary>Checks made before anything is negotiated; null when the request may proceed.</summary>
    public async ValueTask<(AssociationRejection? Rejection, UserIdentityDecision? Identity)> CheckAsync(DicomAssociationRequestContext context)
    {
        var request = context.Request;
        if ((request.ProtocolVersion & 1) == 0)
            return (new AssociationRejection(RejectResult.Permanent, RejectSource.ServiceProviderAcse, RejectReason.ProtocolVersionNotSupported), null);
        if (request.ApplicationContextName != WellKnownUids.DicomApplicationContext)
            return (UserRejection(RejectReason.ApplicationContextNotSupported), null);
        if (options.CheckCalledAeTitle && request.CalledAeTitle != options.AeTitle)
            return (UserRejection(RejectReason.CalledAeTitleNotRecognized), null);
        if (options.AllowedCallingAeTitles is { } allowed && !allowed.Contains(request.CallingAeTitle))
            return (UserRejection(RejectReason.CallingAeTitleNotRecognized), null);
        if (options.AssociationFilter?.Invoke(context) is { } filtered)
            return (filtered, null);

        UserIdentityDecision? identity = null;
        if (request.UserInformation.UserIdentity is { } userIdentity && options.UserIdentityValidator is { } validator)
        {
            identity = await validator(userIdentity, context);
            if (!identity.Accepted)
                return (new AssociationRejection(RejectResult.Permanent, RejectSource.ServiceProviderAcse, RejectReason.NoReasonGiven), identity);
        }
        return (null, identity);
    }

    private static AssociationRejection UserRejection(byte reason) => new(RejectResult.Permanent, RejectSource.ServiceUser, reason);

    public AssociationAccept BuildAccept(AssociationRequest request, UserIdentityDecision? identity, out List<AcceptedPresentationContext> accepted)
    {
        accepted = [];
        var answers = new List<PresentationContextAnswer>();
        foreach (var proposal in request.PresentationContexts)
        {
            var answer = Answer(proposal);
            answers.Add(answer);
            if (answer.Result == PresentationContextResult.Acceptance)
                accepted.Add(new AcceptedPresentationContext(proposal.Id, proposal.AbstractSyntax, answer.TransferSyntax));
        }

        var userInformation = new UserInformation
        {
            MaxPduLength = options.MaxPduLength,
            ImplementationClassUid = options.ImplementationClassUid,
            ImplementationVersionName = options.ImplementationVersionName,
        };
        if (request.UserInformation.AsyncOperations is { } window)
        {
            // Answer with what the requestor may have outstanding with us; we invoke one operation at a time
            // (C-GET sub-operations) ourselves.
            var invoked = window.MaxOperationsInvoked == 0 ? options.MaxAsyncOperations : Math.Min(window.MaxOperationsInvoked, options.MaxAsyncOperations);
            userInformation.AsyncOperations = new AsyncOperationsWindow(invoked, 1);
        }
        foreach (var role in request.UserInformation.RoleSelections)
            userInformation.RoleSelections.Add(AnswerRole(role));
        if (identity is { Accepted: true, ServerResponse: { } response } && request.UserInformation.UserIdentity?.PositiveResponseRequested == true)
            userInformation.UserIdentityServerResponse = response;

        return new AssociationAccept
        {
            CalledAeTitle = request.CalledAeTitle,
            CallingAeTitle = request.CallingAeTitle,
            PresentationContexts = answers,
            UserInformation = userInformation,
        };
    }

    private PresentationContextAnswer Answer(PresentationContextProposal proposal)
    {
        var syntaxes = SyntaxesFor(proposal.AbstractSyntax);
        if (syntaxes is null)
            return new PresentationContextAnswer(proposal.Id, PresentationContextResult.AbstractSyntaxNotSupported, "");
        // The requestor's order wins: it lists first the syntax its data is in, which we then take unchanged.
        foreach (var syntax in proposal.TransferSyntaxes)
        {
            if (syntaxes.Contains(syntax))
                return new PresentationContextAnswer(proposal.Id, PresentationContextResult.Acceptance, syntax);
        }
        return new PresentationContextAnswer(proposal.Id, PresentationContextResult.TransferSyntaxesNotSupported, "");
    }

    /// <summary>Transfer syntaxes we take for an abstract syntax, or null when we do not serve it.</summary>
    private IReadOnlySet<string>? SyntaxesFor(string abstractSyntax)
    {
        if (abstractSyntax == WellKnownUids.Verification)
            return options.AcceptVerification ? QueryRetrieveSet : null;
        if (WellKnownUids.IsFind(abstractSyntax) || WellKnownUids.IsMove(abstractSyntax) || WellKnownUids.IsGet(abstractSyntax))
            return options.QueryRetrieve is not null ? QueryRetrieveSet : null;
        // Storage contexts serve incoming C-STORE (with a storage handler) and the C-STORE sub-operations we send
        // back during a C-GET (with a Query/Retrieve handler).
        if ((options.Storage is not null || options.QueryRetrieve is not null)
            && (StorageSopClasses.IsStorage(abstractSyntax) || options.AcceptUnknownSopClassesForStorage))
            return _storageSyntaxes;
        return null;
    }

    private static readonly HashSet<string> QueryRetrieveSet = new(QueryRetrieveSyntaxes, StringComparer.Ordinal);

    /// <summary>
    /// For storage SOP classes we agree to whatever roles the requestor asks (it is SCP of them during a C-GET
    /// we serve); for anything else the requestor stays the SCU only.
    /// </summary>
    private RoleSelection AnswerRole(RoleSelection requested)
    {
        var storage = StorageSopClasses.IsStorage(requested.SopClassUid) || options.AcceptUnknownSopClassesForStorage;
        return storage && options.QueryRetrieve is not null
            ? requested
            : new RoleSelection(requested.SopClassUid, requested.ScuRole, false);
    }
}
