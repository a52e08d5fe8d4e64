namespace DrimCloud.Dicom.Network;

/// <summary>
/// The presentation contexts and role selections a requestor proposes. IDs are assigned (odd, from 1) as
/// contexts are added; at most 128 fit in one association (PS3.8 section 9.3.2.2).
/// </summary>
public sealed class AssociationProposal
{
    public const int MaxPresentationContexts = 128;

    private readonly List<PresentationContextProposal> _contexts = [];
    private readonly List<RoleSelection> _roles = [];

    public IReadOnlyList<PresentationContextProposal> PresentationContexts => _contexts;

    public IReadOnlyList<RoleSelection> RoleSelections => _roles;

    public int Count => _contexts.Count;

    public bool IsFull => _contexts.Count >= MaxPresentationContexts;

    /// <summary>Adds a context; the same abstract syntax may be proposed several times with different syntaxes.</summary>
    public AssociationProposal Add(string abstractSyntax, params IReadOnlyList<string> transferSyntaxes)
    {
        if (IsFull)
            throw new InvalidOperationException($"An association carries at most {MaxPresentationContexts} presentation contexts.");
        if (transferSyntaxes.Count == 0)
            throw new ArgumentException("At least one transfer syntax is required.", nameof(transferSyntaxes));
        _contexts.Add(new PresentationContextProposal((byte)(_contexts.Count * 2 + 1), abstractSyntax, [.. transferSyntaxes]));
        return this;
    }

    /// <summary>
    /// Proposes what it takes to send these instances unchanged: one context per distinct SOP class and transfer
    /// syntax. Returns the instances that did not fit in the 128 contexts (send them on another association).
    /// </summary>
    public IReadOnlyList<DicomStoreItem> AddStorage(IEnumerable<DicomStoreItem> items)
    {
        var leftOver = new List<DicomStoreItem>();
        foreach (var item in items)
        {
            if (Contains(item.SopClassUid, item.TransferSyntaxUid))
                continue;
            if (IsFull)
                leftOver.Add(item);
            else
                Add(item.SopClassUid, item.TransferSyntaxUid);
        }
        return leftOver;
    }

    /// <summary>Proposes Verification with the uncompressed syntaxes.</summary>
    public AssociationProposal AddVerification() =>
        Add(WellKnownUids.Verification, KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian);

    /// <summary>
    /// Asks to play the given roles for a SOP class (needed for C-GET, where the requestor is the storage SCP).
    /// </summary>
    public AssociationProposal AddRole(string sopClassUid, bool scu, bool scp)
    {
        _roles.RemoveAll(r => r.SopClassUid == sopClassUid);
        _roles.Add(new RoleSelection(sopClassUid, scu, scp));
        return this;
    }

    /// <summary>
    /// For C-GET: proposes each storage SOP class with the given transfer syntaxes (one context per syntax, so the
    /// peer can send each instance as stored) and asks for the SCP role on them. Stops quietly when the
    /// association is full; returns how many SOP classes fitted.
    /// </summary>
    public int AddRetrieveStorage(IEnumerable<string> storageSopClasses, IReadOnlyList<string> transferSyntaxes)
    {
        var added = 0;
        foreach (var sopClass in storageSopClasses)
        {
            if (_contexts.Count + transferSyntaxes.Count > MaxPresentationContexts)
                break;
            foreach (var syntax in transferSyntaxes)
                Add(sopClass, syntax);
            AddRole(sopClass, scu: false, scp: true);
            added++;
        }
        return added;
    }

    public bool Contains(string abstractSyntax, string transferSyntax) =>
        _contexts.Any(c => c.AbstractSyntax == abstractSyntax && c.TransferSyntaxes.Contains(transferSyntax));
}
