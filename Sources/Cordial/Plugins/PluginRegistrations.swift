import CordialCore

/// Everything a plugin registers while `plugin.lua` loads, as values: segments, care
/// policies, caps and events; letter templates and feedback hooks join here. The functions behind
/// them live in a state (``PluginContext``'s handlers), so this value can cross threads and
/// be shown, compared and listed without one.
public struct PluginRegistrations: Sendable, Hashable {
    public var segments: [SegmentRegistration] = []
    /// Care policies (`plugin:policy`), frequency caps across every policy
    /// (`plugin:frequency_cap`) and events customers are invited to (`plugin:event`).
    public var policies: [CarePolicy] = []
    public var frequencyCaps: [FrequencyCap] = []
    public var events: [CareEvent] = []
    /// The organisation's authority levels for approving plans (`plugin:approvals`); one
    /// plugin declares them.
    public var approvals: ApprovalRules?
    /// The organisation's letter settings (`plugin:letters`); one plugin declares them.
    public var letters: LetterSettings?
    /// The names of the functions letters may use as lambdas (`plugin:lambda`).
    public var lambdas: [String] = []
    /// The feedback categories the plugin declares (`plugin:feedback_categories`), every
    /// level as a path (`baggage`, `baggage/delayed`), sorted; and where.
    public var feedbackCategories: [String] = []
    public var feedbackCategoriesDefinedAt: String?
    /// Who may grant which compensation (`plugin:feedback_authority`); one plugin declares it.
    public var compensationAuthority: CompensationAuthority?
    /// Families of causes for the cause-and-effect view (`plugin:cause_families`).
    public var causeFamilies: [CauseFamily] = []
    /// The organisation's working hours (`plugin:business_hours`); one plugin declares them.
    public var businessHours: OrganisationHours?
    /// Service standards for feedback (`plugin:feedback_sla`), in the order declared: a case
    /// is held to the first that covers it.
    public var feedbackSLAs: [FeedbackSLA] = []
    /// The plugin's feedback hooks (`plugin:on`), one per hook at most.
    public var feedbackHooks: [FeedbackHookRegistration] = []
    /// The campaign its hooks plan service recovery in (`plugin:recovery`).
    public var recovery: RecoveryCampaign?

    public init() {}

    /// The names every registration takes, for duplicate checks across plugins.
    public var segmentNames: [String] { segments.map(\.name) }
}

/// A segment a plugin registered with `plugin:segment`.
public struct SegmentRegistration: Sendable, Hashable {
    public var name: String
    public var description: String
    /// The labels it declared; nil: any label.
    public var labels: [String]?
    /// Its runs compute RFM scores (`c.value.rfm`).
    public var needsRFM: Bool
    /// Its runs load the latest value fit's figures (`c.value.p_alive`, …).
    public var needsValue: Bool
    /// `plugins/rfm/plugin.lua:14`
    public var definedAt: String

    public init(name: String, description: String = "", labels: [String]? = nil, needsRFM: Bool = false, needsValue: Bool = false, definedAt: String) {
        self.name = name
        self.description = description
        self.labels = labels
        self.needsRFM = needsRFM
        self.needsValue = needsValue
        self.definedAt = definedAt
    }
}
