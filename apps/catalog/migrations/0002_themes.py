from django.db import migrations

# EU data theme vocabulary (http://publications.europa.eu/resource/authority/data-theme).
THEMES = [
    ("AGRI", "农业农村", "Agriculture, fisheries, forestry and food"),
    ("ECON", "经济贸易", "Economy and finance"),
    ("EDUC", "教育文化", "Education, culture and sport"),
    ("ENER", "能源", "Energy"),
    ("ENVI", "生态环境", "Environment"),
    ("GOVE", "政务公开", "Government and public sector"),
    ("HEAL", "卫生健康", "Health"),
    ("INTR", "对外交流", "International issues"),
    ("JUST", "法律司法", "Justice, legal system and public safety"),
    ("REGI", "区域城乡", "Regions and cities"),
    ("SOCI", "社会民生", "Population and society"),
    ("TECH", "科学技术", "Science and technology"),
    ("TRAN", "交通运输", "Transport"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("catalog", "Theme")
    for code, name, name_en in THEMES:
        Theme.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
