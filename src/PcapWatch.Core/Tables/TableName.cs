namespace PcapWatch.Tables;

/// <summary>The two tables the service keeps.</summary>
public enum TableName
{
    Employees,
    Computers,
}
