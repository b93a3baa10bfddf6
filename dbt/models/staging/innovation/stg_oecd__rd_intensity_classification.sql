select
    case rd_intensity_category
        when 'High R&D intensity' then 'high'
        when 'Medium-high R&D intensity' then 'medium_high'
        when 'Medium R&D intensity' then 'medium'
        when 'Medium-low R&D intensity' then 'medium_low'
        when 'Low R&D intensity' then 'low'
    end as rd_intensity_level,
    rd_intensity_category,
    sector,
    sector = 'Manufacturing' as is_manufacturing,
    isic_rev4_code,
    industry_name,
    rd_intensity_pct
from {{ source('raw', 'oecd_rd_intensity_classification') }}
