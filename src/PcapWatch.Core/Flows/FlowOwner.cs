namespace PcapWatch.Flows;

/// <summary>A watched employee a packet was attributed to: the flow record's <c>C_EMP_ID</c> and <c>C_EMP_NAME</c>.</summary>
public readonly record struct FlowOwner(string EmpId, string EmpName);
